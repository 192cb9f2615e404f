"""A dynamic authenticator and a dynamic authorizer, as an Autobahn|Python 22.7.1 (asyncio) session.

Usage: /usr/bin/python3 auth_provider.py <ws-url>

Joins realm `secure` of src/test/resources/auth.yaml as principal `provider` (ticket INTEROP_PROVIDER_TICKET),
registers com.example.authenticate (for realm `dynamic`) and com.example.authorize (for realm `authz`),
prints "READY" and serves until it is killed or its stdin closes. Every call is printed, with its verdict.

com.example.authenticate(realm, authid, details): accepts the ticket INTEROP_DYNAMIC_TOKEN only.
  authid "plain-role"  -> "user" (a bare role string; the client's authid stays)
  authid "boom"        -> ERROR com.example.error.authenticator_crashed (not an auth URI)
  any other authid     -> {"role": "user", "authid": "dynamic-" + authid, "extra": {"greeting": ...}}
  a wrong ticket       -> ERROR wamp.error.authentication_denied

com.example.authorize(session, uri, action): by the URI's third component.
  com.example.allowed.*       -> true
  com.example.denied.*        -> false
  com.example.disclosed.*     -> {"allow": true, "disclose": true}
  com.example.once.*          -> true the first time for (session, uri, action), false afterwards
  com.example.failing.*       -> ERROR com.example.error.authorizer_broken
  com.example.slow.*          -> true, but only after 2.5 s (the router waits 1 s)
  anything else               -> false
Every request is checked against the contract first (session dict keys and values, action); one that
does not match is denied and printed as "BAD REQUEST".
"""

import asyncio
import json
import os
import sys

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.serializer import JsonSerializer  # noqa: E402

ACTIONS = {"call", "register", "publish", "subscribe"}
SESSION_KEYS = {"session", "authid", "authrole", "authmethod", "authprovider", "realm"}


def log(text):
    print(text, flush=True)


def env(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"environment variable {name} is not set (AuthInteropIT sets it)")
    return value


class Provider(ApplicationSession):
    def __init__(self, config, ready):
        super().__init__(config)
        self.ready = ready
        self.token = env("INTEROP_DYNAMIC_TOKEN")
        self.seen_once = set()

    def onConnect(self):
        self.join(self.config.realm, authmethods=["ticket"], authid="provider")

    def onChallenge(self, challenge):
        return env("INTEROP_PROVIDER_TICKET")

    async def onJoin(self, details):
        log(f"joined {details.realm} as {details.authid}/{details.authrole}")
        await self.register(self.authenticate, "com.example.authenticate")
        await self.register(self.authorize, "com.example.authorize")
        if not self.ready.done():
            self.ready.set_result(None)

    async def onLeave(self, details):
        log(f"left: {details.reason} {details.message}")
        if not self.ready.done():
            self.ready.set_exception(RuntimeError(f"left before registering: {details.reason}"))
        await super().onLeave(details)

    def authenticate(self, realm, authid, details):
        shown = {k: v for k, v in details.items() if k != "ticket"}
        log(f"authenticate realm={realm} authid={authid} details(without ticket)={json.dumps(shown, sort_keys=True)}")
        if realm != "dynamic" or details.get("authmethod") != "ticket" or "ticket" not in details:
            log("  BAD REQUEST: expected realm 'dynamic', authmethod 'ticket' and a ticket in details")
            raise ApplicationError("com.example.error.bad_request", "unexpected authenticator arguments")
        if details["ticket"] != self.token:
            log("  -> wamp.error.authentication_denied")
            raise ApplicationError("wamp.error.authentication_denied", "wrong token")
        if authid == "boom":
            log("  -> com.example.error.authenticator_crashed")
            raise ApplicationError("com.example.error.authenticator_crashed", "the authenticator broke")
        if authid == "plain-role":
            log("  -> 'user'")
            return "user"
        answer = {"role": "user", "authid": f"dynamic-{authid}", "extra": {"greeting": "hello from the authenticator"}}
        log(f"  -> {json.dumps(answer, sort_keys=True)}")
        return answer

    async def authorize(self, session, uri, action):
        log(f"authorize session={json.dumps(session, sort_keys=True)} uri={uri} action={action}")
        problem = self.check_request(session, uri, action)
        if problem:
            log(f"  BAD REQUEST: {problem} -> false")
            return False
        kind = uri.split(".")[2] if uri.count(".") >= 2 else ""
        if kind == "allowed":
            answer = True
        elif kind == "disclosed":
            answer = {"allow": True, "disclose": True}
        elif kind == "once":
            key = (session["session"], uri, action)
            answer = key not in self.seen_once
            self.seen_once.add(key)
        elif kind == "failing":
            log("  -> ERROR com.example.error.authorizer_broken")
            raise ApplicationError("com.example.error.authorizer_broken", "the authorizer broke")
        elif kind == "slow":
            await asyncio.sleep(2.5)
            answer = True
        else:
            answer = False
        log(f"  -> {json.dumps(answer)}")
        return answer

    @staticmethod
    def check_request(session, uri, action):
        if not isinstance(session, dict):
            return f"session is {type(session).__name__}, not a dict"
        if set(session) != SESSION_KEYS:
            return f"session keys {sorted(session)} are not {sorted(SESSION_KEYS)}"
        if not isinstance(session["session"], int):
            return "session.session is not an integer"
        want = {"authid": "authz-user", "authrole": "user", "authmethod": "ticket",
                "authprovider": "static", "realm": "authz"}
        got = {k: session[k] for k in want}
        if got != want:
            return f"session {got} is not {want}"
        if not isinstance(uri, str) or not uri.startswith("com.example."):
            return f"uri {uri!r}"
        if action not in ACTIONS:
            return f"action {action!r} is not one of {sorted(ACTIONS)}"
        return None


async def main():
    if len(sys.argv) != 2:
        print("usage: /usr/bin/python3 auth_provider.py <ws-url>", file=sys.stderr)
        return 2
    txaio.start_logging(level="warn")
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    runner = ApplicationRunner(sys.argv[1], "secure", serializers=[JsonSerializer()])
    await asyncio.wait_for(runner.run(lambda config: Provider(config, ready), start_loop=False), 10)
    await asyncio.wait_for(ready, 10)
    log("READY")
    # Serve until the test closes our stdin (or kills us).
    await loop.run_in_executor(None, sys.stdin.read)
    log("stdin closed, leaving")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
