"""Autobahn|Python 22.7.1 (asyncio) authenticating against the router.

Usage: /usr/bin/python3 autobahn_python_auth.py <static|tls> <ws-url> <json|msgpack|cbor>

  static  ticket, WAMP-CRA (unsalted and salted) and WAMP-Cryptosign (Debian's python3-nacl) in realm
          `secure` of src/test/resources/auth.yaml, each with a right and a wrong credential.
  tls     a ticket join over wss:// with the router's self-signed certificate trusted (an ssl context
          with INTEROP_TLS_CA as its only CA file), and a join that must fail because the certificate
          is not trusted (the default context, with the system's CAs).

The credentials come from the environment (AuthInteropIT generates them for every run): INTEROP_TICKET,
INTEROP_CRA_SECRET, INTEROP_CRA_PASSWORD, INTEROP_CRYPTOSIGN_SEED (32 bytes, hex). Output is one line per
check, "PASS <check>" or "FAIL <check>: <why>", like autobahn_python.py.
"""

import asyncio
import os
import secrets
import ssl
import sys
import traceback

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession  # noqa: E402
from autobahn.wamp import auth  # noqa: E402
from autobahn.wamp.cryptosign import CryptosignKey  # noqa: E402
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer  # noqa: E402

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
STEP_TIMEOUT = 5.0
SCENARIO_TIMEOUT = 20.0
REALM = "secure"


class AuthAttempt(ApplicationSession):
    """One join: HELLO with the given auth details, CHALLENGE answered by `respond`, then WELCOME
    (followed at once by a GOODBYE) or ABORT. `outcome` resolves to ("welcome", SessionDetails) or
    ("abort", CloseDetails)."""

    def __init__(self, config, hello, respond):
        super().__init__(config)
        self.hello = hello
        self.respond = respond
        loop = asyncio.get_running_loop()
        self.outcome = loop.create_future()
        self.gone = loop.create_future()
        self.on("disconnect", self._on_disconnect)

    def onConnect(self):
        self.join(self.config.realm, **self.hello)

    def onChallenge(self, challenge):
        return self.respond(challenge)

    async def onJoin(self, details):
        if not self.outcome.done():
            self.outcome.set_result(("welcome", details))
        self.leave()

    async def onLeave(self, details):
        if not self.outcome.done():
            self.outcome.set_result(("abort", details))
        await super().onLeave(details)

    def _on_disconnect(self, session, was_clean):
        if not self.outcome.done():
            self.outcome.set_exception(RuntimeError("connection closed before WELCOME or ABORT"))
        if not self.gone.done():
            self.gone.set_result(was_clean)


async def attempt(url, serializer, hello, respond, realm=REALM, ssl_context=None):
    created = asyncio.get_running_loop().create_future()

    def make(config):
        session = AuthAttempt(config, hello, respond)
        created.set_result(session)
        return session

    runner = ApplicationRunner(url, realm, serializers=[SERIALIZERS[serializer]()], ssl=ssl_context)
    await asyncio.wait_for(runner.run(make, start_loop=False), STEP_TIMEOUT)
    session = await asyncio.wait_for(created, STEP_TIMEOUT)
    outcome = await asyncio.wait_for(session.outcome, STEP_TIMEOUT)
    # Leave the connection closed behind us before the next attempt.
    await asyncio.wait_for(session.gone, STEP_TIMEOUT)
    return outcome


def expect_welcome(outcome, authid, authrole, authmethod, authprovider="static"):
    kind, details = outcome
    if kind != "welcome":
        raise AssertionError(f"expected WELCOME but the router sent ABORT {details.reason} ({details.message})")
    got = (details.authid, details.authrole, details.authmethod, details.authprovider)
    want = (authid, authrole, authmethod, authprovider)
    if got != want:
        raise AssertionError(f"WELCOME (authid, authrole, authmethod, authprovider): expected {want}, got {got}")


def expect_abort(outcome, reason):
    kind, details = outcome
    if kind != "abort":
        raise AssertionError(f"expected ABORT {reason} but the router sent WELCOME as {details.authid}/{details.authrole}")
    if details.reason != reason:
        raise AssertionError(f"expected ABORT {reason} but got {details.reason} ({details.message})")


def ticket(value):
    return lambda challenge: value


def wampcra(secret):
    """What Autobahn's own examples do: derive the key when the CHALLENGE carries a salt."""

    def respond(challenge):
        if challenge.method != "wampcra":
            raise Exception(f"unexpected challenge method {challenge.method}")
        extra = challenge.extra
        key = secret
        if "salt" in extra:
            key = auth.derive_key(secret, extra["salt"], extra.get("iterations", 1000), extra.get("keylen", 32))
        return auth.compute_wcs(key, extra["challenge"]).decode("ascii")

    return respond


def cryptosign(key):
    return lambda challenge: key.sign_challenge(challenge)


def env(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"environment variable {name} is not set (AuthInteropIT sets it)")
    return value


async def run_checks(checks):
    failures = 0
    for name, body in checks:
        try:
            await asyncio.wait_for(body(), 3 * STEP_TIMEOUT)
            print(f"PASS {name}", flush=True)
        except AssertionError as e:
            failures += 1
            print(f"FAIL {name}: {e}", flush=True)
        except asyncio.TimeoutError:
            failures += 1
            print(f"FAIL {name}: timed out", flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported, whatever its type
            failures += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc()
    return failures


def static_checks(url, serializer):
    right_ticket = env("INTEROP_TICKET")
    cra_secret = env("INTEROP_CRA_SECRET")
    cra_password = env("INTEROP_CRA_PASSWORD")
    key = CryptosignKey.from_bytes(bytes.fromhex(env("INTEROP_CRYPTOSIGN_SEED")))
    other_key = CryptosignKey.from_bytes(secrets.token_bytes(32))

    def hello(method, authid=None, **extra):
        h = {"authmethods": [method]}
        if authid is not None:
            h["authid"] = authid
        h.update(extra)
        return h

    async def go(h, respond):
        return await attempt(url, serializer, h, respond)

    async def ticket_right():
        expect_welcome(await go(hello("ticket", "ticket-user"), ticket(right_ticket)), "ticket-user", "user", "ticket")

    async def ticket_wrong():
        outcome = await go(hello("ticket", "ticket-user"), ticket(right_ticket + "x"))
        expect_abort(outcome, "wamp.error.authentication_denied")

    async def ticket_unknown_authid():
        outcome = await go(hello("ticket", "nobody"), ticket(right_ticket))
        expect_abort(outcome, "wamp.error.no_such_principal")

    async def cra_right():
        expect_welcome(await go(hello("wampcra", "cra-user"), wampcra(cra_secret)), "cra-user", "user", "wampcra")

    async def cra_wrong():
        outcome = await go(hello("wampcra", "cra-user"), wampcra(cra_secret + "x"))
        expect_abort(outcome, "wamp.error.authentication_denied")

    async def cra_salted_right():
        outcome = await go(hello("wampcra", "cra-salted-user"), wampcra(cra_password))
        expect_welcome(outcome, "cra-salted-user", "user", "wampcra")

    async def cra_salted_wrong():
        outcome = await go(hello("wampcra", "cra-salted-user"), wampcra(cra_password + "x"))
        expect_abort(outcome, "wamp.error.authentication_denied")

    async def sign_right():
        outcome = await go(hello("cryptosign", authextra={"pubkey": key.public_key()}), cryptosign(key))
        expect_welcome(outcome, "sign-user", "user", "cryptosign")

    async def sign_wrong_key():
        # Someone who knows the registered public key but not its private key.
        outcome = await go(hello("cryptosign", authextra={"pubkey": key.public_key()}), cryptosign(other_key))
        expect_abort(outcome, "wamp.error.authentication_denied")

    async def sign_unknown_key():
        outcome = await go(hello("cryptosign", authextra={"pubkey": other_key.public_key()}), cryptosign(other_key))
        expect_abort(outcome, "wamp.error.no_such_principal")

    async def no_matching_method():
        # Realm `secure` has no anonymous role; anonymous is all this client offers.
        outcome = await go({}, ticket(right_ticket))
        expect_abort(outcome, "wamp.error.no_matching_auth_method")

    return [
        ("ticket: right ticket", ticket_right),
        ("ticket: wrong ticket", ticket_wrong),
        ("ticket: unknown authid", ticket_unknown_authid),
        ("wampcra: right secret", cra_right),
        ("wampcra: wrong secret", cra_wrong),
        ("wampcra salted: right password", cra_salted_right),
        ("wampcra salted: wrong password", cra_salted_wrong),
        ("cryptosign: right key", sign_right),
        ("cryptosign: registered public key, other private key", sign_wrong_key),
        ("cryptosign: unknown key", sign_unknown_key),
        ("anonymous only: no matching auth method", no_matching_method),
    ]


def tls_checks(url, serializer):
    right_ticket = env("INTEROP_TICKET")
    ca_file = env("INTEROP_TLS_CA")
    h = {"authmethods": ["ticket"], "authid": "ticket-user"}

    async def trusted():
        context = ssl.create_default_context(cafile=ca_file)
        expect_welcome(await attempt(url, serializer, h, ticket(right_ticket), ssl_context=context),
                       "ticket-user", "user", "ticket")

    async def untrusted():
        # No context given: Autobahn makes a default one for wss://, which trusts the system's CAs only.
        try:
            outcome = await attempt(url, serializer, h, ticket(right_ticket))
        except ssl.SSLCertVerificationError as e:
            print(f"  (refused as expected: {e.verify_message})", flush=True)
            return
        raise AssertionError(f"joined over wss:// without trusting the router's certificate: {outcome[0]}")

    return [
        ("wss: join with the router's certificate trusted", trusted),
        ("wss: certificate not trusted, handshake fails", untrusted),
    ]


SUITES = {"static": static_checks, "tls": tls_checks}


async def main():
    if len(sys.argv) != 4 or sys.argv[1] not in SUITES or sys.argv[3] not in SERIALIZERS:
        print("usage: /usr/bin/python3 autobahn_python_auth.py <static|tls> <ws-url> <json|msgpack|cbor>",
              file=sys.stderr)
        return 2
    suite, url, serializer = sys.argv[1:]
    txaio.start_logging(level="warn")
    checks = SUITES[suite](url, serializer)
    try:
        failures = await asyncio.wait_for(run_checks(checks), SCENARIO_TIMEOUT)
    except asyncio.TimeoutError:
        print(f"FAIL scenario: autobahn-python {suite}/{serializer} did not finish within {SCENARIO_TIMEOUT:.0f} s")
        return 3
    verdict = "all checks passed" if failures == 0 else f"{failures} check(s) failed"
    print(f"autobahn-python auth {suite}/{serializer}: {verdict}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
