"""Autobahn|Python 22.7.1 over WAMP RawSocket (TCP), on Twisted or asyncio.

Usage: /usr/bin/python3 autobahn_python_rawsocket.py <rs-url> <realm> <json|msgpack|cbor> <twisted|asyncio>

<rs-url> is rs://host:port, the router's router.rawsocket.port. ApplicationRunner picks the RawSocket
transport for rs:// URLs: autobahn.twisted.rawsocket.WampRawSocketClientFactory on Twisted,
autobahn.asyncio.rawsocket.WampRawSocketClientFactory on asyncio; with one serializer given, the
handshake requests exactly that one. Output is one line per check, "PASS <check>" or "FAIL <check>: <why>",
like autobahn_python.py; the exit status is 0 only if every check passed.

The scenario is written once, with txaio futures (Deferreds on Twisted, Futures on asyncio), which both
frameworks can await in a coroutine.
"""

import os
import secrets
import sys
import traceback

import txaio

FRAMEWORKS = ("twisted", "asyncio")
FRAMEWORK = sys.argv[4] if len(sys.argv) == 5 else None

if FRAMEWORK == "twisted":
    txaio.use_twisted()
    from twisted.internet import defer, reactor, task  # noqa: E402

    txaio.config.loop = reactor
    from autobahn.twisted.wamp import ApplicationRunner, ApplicationSession  # noqa: E402
elif FRAMEWORK == "asyncio":
    txaio.use_asyncio()
    import asyncio  # noqa: E402

    from autobahn.asyncio.rawsocket import WampRawSocketClientProtocol  # noqa: E402

    # Autobahn|Python 22.7.1: the asyncio RawSocket protocol lacks the transport_details property that
    # ApplicationSession reads on WELCOME (the Twisted one has it), so every join fails with
    # "AttributeError: 'WampRawSocketClientProtocol' object has no attribute 'transport_details'" and the
    # client drops the connection. The value it should return is there; this exposes it.
    if not hasattr(WampRawSocketClientProtocol, "transport_details"):
        WampRawSocketClientProtocol.transport_details = property(lambda self: self._transport_details)
    from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession  # noqa: E402

from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer  # noqa: E402
from autobahn.wamp.types import PublishOptions  # noqa: E402

# Twisted's logging, once started, takes over sys.stdout and drops what is printed there below its
# level; the check lines go to the real stdout.
OUT = sys.stdout
SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
STEP_TIMEOUT = 5.0
SCENARIO_TIMEOUT = 20.0
# Larger than a TCP segment and a socket buffer, smaller than the router's 1 MiB default maximum.
LARGE = 300_000


def say(line):
    print(line, file=OUT, flush=True)


def settle(future, value):
    if not txaio.is_called(future):
        txaio.resolve(future, value)


def within(future, what, seconds=STEP_TIMEOUT):
    """A future of future's outcome that fails with "<what>: timed out" after seconds."""
    result = txaio.create_future()

    def expire():
        if not txaio.is_called(result):
            txaio.reject(result, AssertionError(f"{what}: timed out after {seconds:.0f} s"))

    timer = txaio.call_later(seconds, expire)

    def done(value):
        timer.cancel()
        settle(result, value)
        return None

    def failed(failure):
        timer.cancel()
        if not txaio.is_called(result):
            txaio.reject(result, failure)
        return None

    txaio.add_callbacks(future, done, failed)
    return result


class ScenarioSession(ApplicationSession):
    """Exposes join, leave and disconnect as futures, so the scenario can await them in order."""

    def __init__(self, config):
        super().__init__(config)
        self.joined = txaio.create_future()
        self.left = txaio.create_future()
        self.disconnected = txaio.create_future()
        self.on("disconnect", self._on_disconnect)

    def onJoin(self, details):
        settle(self.joined, details)

    def onLeave(self, details):
        settle(self.left, details)
        if not txaio.is_called(self.joined):
            txaio.reject(self.joined, RuntimeError(f"left before joining: {details}"))
        return super().onLeave(details)

    def _on_disconnect(self, session, was_clean):
        settle(self.disconnected, was_clean)
        if not txaio.is_called(self.joined):
            txaio.reject(self.joined, RuntimeError("connection closed before the session joined"))


async def connect(url, realm, serializer):
    created = txaio.create_future()

    def make(config):
        session = ScenarioSession(config)
        settle(created, session)
        return session

    # One serializer only: its RawSocket ID is what the handshake requests.
    runner = ApplicationRunner(url, realm, serializers=[SERIALIZERS[serializer]()])
    if FRAMEWORK == "twisted":
        connecting = runner.run(make, start_reactor=False)
    else:
        connecting = asyncio.ensure_future(runner.run(make, start_loop=False))
    await within(connecting, "RawSocket connection")
    session = await within(created, "session")
    details = await within(session.joined, "WELCOME")
    return session, details


def expect_equal(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r} but got {actual!r}")


async def expect_call_error(call, uri, args=None, kwargs=None):
    try:
        result = await within(call, "call")
    except ApplicationError as e:
        expect_equal(e.error, uri, "error URI")
        if args is not None:
            expect_equal(list(e.args), args, "error args")
            expect_equal(e.kwargs or {}, kwargs, "error kwargs")
        return
    raise AssertionError(f"expected error {uri} but the call returned {result!r}")


def fail_oops():
    raise ApplicationError("com.example.error.oops", 1, "two", three=3)


async def scenario(url, realm, serializer):
    suffix = f"rs_{FRAMEWORK}_{serializer}_{secrets.token_hex(4)}"
    add2 = f"com.example.add2.{suffix}"
    echo = f"com.example.echo.{suffix}"
    failing = f"com.example.failing.{suffix}"
    nonexistent = f"com.example.nonexistent.{suffix}"
    topic = f"com.example.topic.{suffix}"
    failures = 0

    async def check(name, body):
        nonlocal failures
        try:
            await body()
            say(f"PASS {name}")
            return True
        except AssertionError as e:
            failures += 1
            say(f"FAIL {name}: {e}")
            return False
        except Exception as e:  # noqa: BLE001 - every failure is reported, whatever its type
            failures += 1
            say(f"FAIL {name}: {type(e).__name__}: {e}")
            traceback.print_exc(file=OUT)
            return False

    state = {}

    async def join():
        state["a"], state["a_details"] = await connect(url, realm, serializer)
        state["b"], _ = await connect(url, realm, serializer)

    if not await check("join", join):
        return failures
    a, b = state["a"], state["b"]

    async def transport():
        # What the router says about the connection (session meta API).
        info = await within(a.call("wamp.session.get", state["a_details"].session), "wamp.session.get")
        expect_equal(info["transport"]["type"], "rawsocket", "transport type")
        expect_equal(info["transport"]["protocol"], f"wamp.2.{serializer}", "serializer")

    await check("rawsocket transport", transport)

    async def register_call():
        state["add2"] = await within(b.register(lambda x, y: x + y, add2), "register")
        expect_equal(await within(a.call(add2, 2, 3), "call"), 5, "result")

    await check("register+call", register_call)
    await check(
        "call no_such_procedure",
        lambda: expect_call_error(a.call(nonexistent, 1), "wamp.error.no_such_procedure"),
    )

    async def application_error():
        await within(b.register(fail_oops, failing), "register")
        await expect_call_error(a.call(failing), "com.example.error.oops", [1, "two"], {"three": 3})

    await check("call application error", application_error)

    async def large_call():
        await within(b.register(lambda s: s, echo), "register")
        text = "x" * LARGE
        expect_equal(await within(a.call(echo, text), "call"), text, f"echo of {LARGE} characters")

    await check("large call", large_call)

    async def publish_event():
        received = txaio.create_future()
        await within(b.subscribe(lambda *args, **kwargs: settle(received, (list(args), kwargs)), topic), "subscribe")
        await within(a.publish(topic, "hello", n=1, options=PublishOptions(acknowledge=True)), "publish")
        expect_equal(await within(received, "event at B"), (["hello"], {"n": 1}), "event at B")

    await check("publish+event", publish_event)

    async def goodbye():
        for session in (a, b):
            session.leave()
        for name, session in (("A", a), ("B", b)):
            details = await within(session.left, f"GOODBYE for {name}")
            expect_equal(details.reason, "wamp.close.goodbye_and_out", f"{name}'s GOODBYE reason")
            await within(session.disconnected, f"{name}'s connection to close")

    await check("goodbye", goodbye)

    async def unknown_realm():
        try:
            await connect(url, f"com.example.nowhere.{suffix}", serializer)
        except RuntimeError as e:
            if "wamp.error.no_such_realm" not in str(e):
                raise AssertionError(f"expected ABORT wamp.error.no_such_realm, got {e}")
            return
        raise AssertionError("joined a realm the router does not have")

    await check("join unknown realm (ABORT)", unknown_realm)
    return failures


async def main():
    url, realm, serializer = sys.argv[1:4]
    txaio.start_logging(level="warn")

    def watchdog():
        say(f"FAIL scenario: did not finish within {SCENARIO_TIMEOUT:.0f} s")
        os._exit(3)

    timer = txaio.call_later(SCENARIO_TIMEOUT, watchdog)
    failures = await scenario(url, realm, serializer)
    timer.cancel()
    verdict = "all checks passed" if failures == 0 else f"{failures} check(s) failed"
    say(f"autobahn-python-rawsocket/{FRAMEWORK}/{serializer}: {verdict}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[3] not in SERIALIZERS or FRAMEWORK not in FRAMEWORKS:
        print(
            "usage: /usr/bin/python3 autobahn_python_rawsocket.py <rs-url> <realm> <json|msgpack|cbor>"
            " <twisted|asyncio>",
            file=sys.stderr,
        )
        sys.exit(2)
    if FRAMEWORK == "twisted":

        async def twisted_main():
            code = await main()
            if code != 0:
                raise SystemExit(code)

        task.react(lambda _reactor: defer.ensureDeferred(twisted_main()))
    else:
        sys.exit(asyncio.run(main()))
