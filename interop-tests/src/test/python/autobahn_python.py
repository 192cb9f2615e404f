"""Autobahn|Python 22.7.1 (asyncio) running the interop scenario.

Usage: /usr/bin/python3 autobahn_python.py <ws-url> <realm> <json|msgpack|cbor>

Debian's python3-autobahn and python3-cbor2 live in /usr/bin/python3's dist-packages, which a pyenv or
virtualenv python does not see. The checks and their names match src/test/node/scenario.js; output is one
line per check, "PASS <check>" or "FAIL <check>: <why>".
"""

import asyncio
import secrets
import sys
import traceback

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer  # noqa: E402
from autobahn.wamp.types import CloseDetails, PublishOptions  # noqa: E402

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
STEP_TIMEOUT = 5.0
# How long "nothing arrived" is watched for; events on loopback arrive within milliseconds.
GRACE = 0.3
SCENARIO_TIMEOUT = 20.0


class ScenarioSession(ApplicationSession):
    """Exposes join, leave and disconnect as futures so the scenario can await them in order."""

    def __init__(self, config):
        super().__init__(config)
        loop = asyncio.get_running_loop()
        self.joined = loop.create_future()
        self.left = loop.create_future()
        self.disconnected = loop.create_future()
        self.on("disconnect", self._on_disconnect)

    async def onJoin(self, details):
        if not self.joined.done():
            self.joined.set_result(details)

    async def onLeave(self, details):
        if not self.left.done():
            self.left.set_result(details)
        if not self.joined.done():
            self.joined.set_exception(RuntimeError(f"left before joining: {details}"))
        await super().onLeave(details)

    def _on_disconnect(self, session, was_clean):
        if not self.disconnected.done():
            self.disconnected.set_result(was_clean)
        if not self.joined.done():
            self.joined.set_exception(RuntimeError("connection closed before the session joined"))


async def connect(url, realm, serializer):
    # The runner makes the session only once the WebSocket handshake is done.
    created = asyncio.get_running_loop().create_future()

    def make(config):
        session = ScenarioSession(config)
        created.set_result(session)
        return session

    # One serializer only, so the router cannot fall back to another one unnoticed.
    runner = ApplicationRunner(url, realm, serializers=[SERIALIZERS[serializer]()])
    _, protocol = await asyncio.wait_for(runner.run(make, start_loop=False), STEP_TIMEOUT)
    session = await asyncio.wait_for(created, STEP_TIMEOUT)
    await asyncio.wait_for(session.joined, STEP_TIMEOUT)
    return session, protocol


class Inbox:
    """Collects events of one subscription so a check can wait for the next one or assert silence."""

    def __init__(self):
        self.queue = asyncio.Queue()

    def handler(self, *args, **kwargs):
        self.queue.put_nowait((list(args), kwargs))

    async def next(self):
        return await asyncio.wait_for(self.queue.get(), STEP_TIMEOUT)

    async def expect_none(self, who):
        await asyncio.sleep(GRACE)
        if not self.queue.empty():
            raise AssertionError(f"{who} received {self.queue.get_nowait()!r}")


def expect_equal(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r} but got {actual!r}")


async def expect_call_error(call, uri, args=None, kwargs=None):
    try:
        result = await asyncio.wait_for(call, STEP_TIMEOUT)
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
    suffix = f"{serializer}_{secrets.token_hex(4)}"
    add2 = f"com.example.add2.{suffix}"
    failing = f"com.example.failing.{suffix}"
    nonexistent = f"com.example.nonexistent.{suffix}"
    topic = f"com.example.topic.{suffix}"
    failures = 0

    async def check(name, body):
        nonlocal failures
        try:
            await asyncio.wait_for(body(), 3 * STEP_TIMEOUT)
            print(f"PASS {name}", flush=True)
            return True
        except AssertionError as e:
            failures += 1
            print(f"FAIL {name}: {e}", flush=True)
            return False
        except asyncio.TimeoutError:
            failures += 1
            print(f"FAIL {name}: timed out", flush=True)
            return False
        except Exception as e:  # noqa: BLE001 - every failure is reported, whatever its type
            failures += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
            traceback.print_exc()
            return False

    state = {}

    async def join():
        (a, a_protocol), (b, _) = await asyncio.gather(
            connect(url, realm, serializer), connect(url, realm, serializer)
        )
        state.update(a=a, b=b)
        expect_equal(a_protocol.websocket_protocol_in_use, f"wamp.2.{serializer}", "negotiated subprotocol")

    if not await check("join", join):
        return failures
    a, b = state["a"], state["b"]

    async def register_call():
        state["add2"] = await b.register(lambda x, y: x + y, add2)
        expect_equal(await asyncio.wait_for(a.call(add2, 2, 3), STEP_TIMEOUT), 5, "result")

    await check("register+call", register_call)
    await check("call no_such_procedure", lambda: expect_call_error(a.call(nonexistent, 1), "wamp.error.no_such_procedure"))

    async def application_error():
        await b.register(fail_oops, failing)
        await expect_call_error(a.call(failing), "com.example.error.oops", [1, "two"], {"three": 3})

    await check("call application error", application_error)

    inbox_a, inbox_b = Inbox(), Inbox()
    acknowledged = PublishOptions(acknowledge=True)

    async def publish_event():
        state["sub_b"] = await b.subscribe(inbox_b.handler, topic)
        await asyncio.wait_for(a.publish(topic, "hello", n=1, options=acknowledged), STEP_TIMEOUT)
        expect_equal(await inbox_b.next(), (["hello"], {"n": 1}), "event at B")

    await check("publish+event", publish_event)

    async def exclusion_default():
        await a.subscribe(inbox_a.handler, topic)
        await asyncio.wait_for(a.publish(topic, "excluded", options=acknowledged), STEP_TIMEOUT)
        expect_equal(await inbox_b.next(), (["excluded"], {}), "event at B")
        await inbox_a.expect_none("A (the publisher, excluded by default)")

    await check("publisher exclusion (default)", exclusion_default)

    async def exclusion_off():
        options = PublishOptions(acknowledge=True, exclude_me=False)
        await asyncio.wait_for(a.publish(topic, "included", options=options), STEP_TIMEOUT)
        expect_equal(await inbox_b.next(), (["included"], {}), "event at B")
        expect_equal(await inbox_a.next(), (["included"], {}), "A's own event")

    await check("publisher exclusion (exclude_me=false)", exclusion_off)

    async def unsubscribe():
        await asyncio.wait_for(state["sub_b"].unsubscribe(), STEP_TIMEOUT)
        await asyncio.wait_for(a.publish(topic, "after-unsubscribe", options=acknowledged), STEP_TIMEOUT)
        # An EVENT for a subscription B no longer holds is a protocol error to Autobahn|Python: it
        # would drop the connection, which the goodbye check then reports.
        await inbox_b.expect_none("B (unsubscribed)")

    await check("unsubscribe", unsubscribe)

    async def unregister():
        await asyncio.wait_for(state["add2"].unregister(), STEP_TIMEOUT)
        await expect_call_error(a.call(add2, 2, 3), "wamp.error.no_such_procedure")

    await check("unregister", unregister)

    async def goodbye():
        for session in (a, b):
            session.leave()
        closes = []
        for name, session in (("A", a), ("B", b)):
            details = await asyncio.wait_for(session.left, STEP_TIMEOUT)
            was_clean = await asyncio.wait_for(session.disconnected, STEP_TIMEOUT)
            closes.append(f"{name}: GOODBYE reason {details.reason!r}, WebSocket wasClean={was_clean}")
            if details.reason == CloseDetails.REASON_TRANSPORT_LOST or not was_clean:
                raise AssertionError("unclean close: " + "; ".join(closes))

    await check("goodbye", goodbye)
    return failures


async def main():
    if len(sys.argv) != 4 or sys.argv[3] not in SERIALIZERS:
        print("usage: /usr/bin/python3 autobahn_python.py <ws-url> <realm> <json|msgpack|cbor>", file=sys.stderr)
        return 2
    url, realm, serializer = sys.argv[1:]
    # Warnings such as protocol errors go to stderr next to the check lines.
    txaio.start_logging(level="warn")
    try:
        failures = await asyncio.wait_for(scenario(url, realm, serializer), SCENARIO_TIMEOUT)
    except asyncio.TimeoutError:
        print(f"FAIL scenario: autobahn-python/{serializer} did not finish within {SCENARIO_TIMEOUT:.0f} s")
        return 3
    verdict = "all checks passed" if failures == 0 else f"{failures} check(s) failed"
    print(f"autobahn-python/{serializer}: {verdict}")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
