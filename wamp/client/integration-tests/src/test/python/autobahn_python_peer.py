"""Autobahn|Python 22.7.1 (asyncio) as the other party of the Quarkus service, through router-service.

Usage: /usr/bin/python3 autobahn_python_peer.py <ws-url> <realm> <json|msgpack|cbor> <name>

Joins anonymously (the realm gives role "peer"), registers it.peer.<name>.upper and .fail and subscribes
it.peer.<name>.news for the service to use; then calls the service's procedures (it.app.*) and publishes to
its topics, one "PASS <check>" or "FAIL <check>: <why>" line per check, and prints READY. AutobahnPeersTest
then calls the procedures and publishes to the topic through the service's Wamp bean, and closes this
program's stdin: it checks that the event arrived, leaves, and exits with the number of failed checks.
Every wait is bounded; the whole run ends after 40 s.

Debian's python3-autobahn and python3-cbor2 live in /usr/bin/python3's dist-packages, which a pyenv or
virtualenv python does not see. The checks and their names match src/test/node/autobahn-js-peer.js.
"""

import asyncio
import os
import sys
import traceback

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer  # noqa: E402
from autobahn.wamp.types import CallOptions, PublishOptions  # noqa: E402

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
STEP_TIMEOUT = 5.0
RUN_TIMEOUT = 40.0
ACK = PublishOptions(acknowledge=True)


class PeerSession(ApplicationSession):
    def __init__(self, config):
        super().__init__(config)
        loop = asyncio.get_running_loop()
        self.joined = loop.create_future()
        self.left = loop.create_future()

    async def onJoin(self, details):
        if not self.joined.done():
            self.joined.set_result(details)

    async def onLeave(self, details):
        if not self.left.done():
            self.left.set_result(details)
        if not self.joined.done():
            self.joined.set_exception(RuntimeError(f"left before joining: {details}"))
        await super().onLeave(details)


async def connect(url, realm, serializer):
    created = asyncio.get_running_loop().create_future()

    def make(config):
        session = PeerSession(config)
        created.set_result(session)
        return session

    # One serializer only, so the router cannot fall back to another one unnoticed.
    runner = ApplicationRunner(url, realm, serializers=[SERIALIZERS[serializer]()])
    _, protocol = await asyncio.wait_for(runner.run(make, start_loop=False), STEP_TIMEOUT)
    session = await asyncio.wait_for(created, STEP_TIMEOUT)
    details = await asyncio.wait_for(session.joined, STEP_TIMEOUT)
    return session, protocol, details


def expect_equal(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r} but got {actual!r}")


async def expect_error(call, uri):
    try:
        result = await asyncio.wait_for(call, STEP_TIMEOUT)
    except ApplicationError as e:
        expect_equal(e.error, uri, "error URI")
        return e
    raise AssertionError(f"expected error {uri} but the call returned {result!r}")


async def stdin_closed(timeout):
    """Waits until the test closes this program's stdin (or the timeout)."""
    loop = asyncio.get_running_loop()
    closed = loop.create_future()
    fd = sys.stdin.fileno()

    def readable():
        if not os.read(fd, 4096) and not closed.done():
            closed.set_result(None)

    loop.add_reader(fd, readable)
    try:
        await asyncio.wait_for(closed, timeout)
    finally:
        loop.remove_reader(fd)


async def run(url, realm, serializer, name):
    failures = 0

    async def check(label, body):
        nonlocal failures
        try:
            await asyncio.wait_for(body(), 3 * STEP_TIMEOUT)
            print(f"PASS {label}", flush=True)
            return True
        except AssertionError as e:
            failures += 1
            print(f"FAIL {label}: {e}", flush=True)
        except asyncio.TimeoutError:
            failures += 1
            print(f"FAIL {label}: timed out", flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported, whatever its type
            failures += 1
            print(f"FAIL {label}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc()
        return False

    state = {}

    async def join():
        session, protocol, details = await connect(url, realm, serializer)
        state.update(session=session, details=details)
        expect_equal(protocol.websocket_protocol_in_use, f"wamp.2.{serializer}", "negotiated subprotocol")
        expect_equal(details.authrole, "peer", "authrole")

    if not await check("join", join):
        return failures
    s = state["session"]
    news = asyncio.Queue()

    def upper(text, times=1):
        return text.upper() * times

    def fail():
        raise ApplicationError("it.error.peer_refused", "nope", 3, reason="testing")

    async def register_subscribe():
        await s.register(upper, f"it.peer.{name}.upper")
        await s.register(fail, f"it.peer.{name}.fail")
        await s.subscribe(lambda *args, **kwargs: news.put_nowait((list(args), kwargs)), f"it.peer.{name}.news")

    await check("register and subscribe", register_subscribe)

    async def positional():
        expect_equal(await s.call("it.app.add", 2, 3), 5, "add(2, 3)")

    await check("call positional", positional)

    async def keywords():
        expect_equal(await s.call("it.app.greet", name="ann", greeting="hi"), "hi, ann", "greet")
        expect_equal(await s.call("it.app.greet", "bob"), "hello, bob", "greet without greeting")

    await check("call keyword arguments", keywords)

    async def record():
        expect_equal(
            await s.call("it.app.create", title="T", body="B"), {"id": 7, "title": "T", "body": "B"}, "create"
        )

    await check("call record", record)

    async def application_error():
        e = await expect_error(s.call("it.app.refuse"), "it.error.refused")
        expect_equal(list(e.args), ["no", 2], "error args")
        expect_equal(e.kwargs, {"why": "because"}, "error kwargs")

    await check("call application error", application_error)

    async def validation_error():
        e = await expect_error(s.call("it.app.login", "", "short"), "wamp.error.invalid_argument")
        if not ("username" in e.args[0] and "password" in e.args[0]):
            raise AssertionError(f"the message names neither field: {e.args!r}")
        violations = sorted(v["field"] for v in e.kwargs["violations"])
        expect_equal(violations, ["password", "username"], "violations")

    await check("call validation error", validation_error)

    async def runtime_error():
        e = await expect_error(s.call("it.app.crash"), "wamp.error.runtime_error")
        if "secret internals" in repr(e.args):
            raise AssertionError(f"the error tells the callee's internals: {e.args!r}")

    await check("call runtime error", runtime_error)

    async def progressive():
        received = []
        result = await s.call(
            "it.app.count", 3, options=CallOptions(on_progress=lambda *args, **kwargs: received.append(list(args)))
        )
        expect_equal(received, [[1], [2], [3]], "progressive results")
        expect_equal(result, None, "the final result")
        expect_equal(await s.call("it.app.count", 3), [1, 2, 3], "one list without receive_progress")

    await check("call progressive results", progressive)

    async def caller_disclosed():
        who = await s.call("it.app.whoami")
        expect_equal(who["authrole"], "peer", "caller_authrole")
        expect_equal(who["session"], state["details"].session, "caller")

    await check("caller disclosed", caller_disclosed)

    async def publish():
        await s.publish("it.app.inbox", f"hello from {name}", n=1, options=ACK)
        await s.publish("it.app.posts", id=1, title=name, body="from Autobahn|Python", options=ACK)

    await check("publish to the service", publish)

    print("READY", flush=True)
    try:
        await stdin_closed(RUN_TIMEOUT)
    except asyncio.TimeoutError:
        print("the test never closed stdin", flush=True)

    async def event():
        args, kwargs = await asyncio.wait_for(news.get(), STEP_TIMEOUT)
        expect_equal((args, kwargs), ([f"news for {name}"], {"n": 2}), "event")

    await check("event from the service", event)

    async def goodbye():
        s.leave()
        await asyncio.wait_for(s.left, STEP_TIMEOUT)

    await check("goodbye", goodbye)
    return failures


def main():
    if len(sys.argv) != 5 or sys.argv[3] not in SERIALIZERS:
        print(f"usage: {sys.argv[0]} <ws-url> <realm> <json|msgpack|cbor> <name>", file=sys.stderr)
        sys.exit(2)
    url, realm, serializer, name = sys.argv[1:]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        failures = loop.run_until_complete(asyncio.wait_for(run(url, realm, serializer, name), RUN_TIMEOUT + 20))
    except asyncio.TimeoutError:
        print(f"FAIL run: not done within {RUN_TIMEOUT + 20} s", flush=True)
        failures = 1
    sys.stdout.flush()
    # Autobahn's runner may leave transports behind; do not wait for them.
    os._exit(min(failures, 100))


if __name__ == "__main__":
    main()
