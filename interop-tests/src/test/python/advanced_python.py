"""Autobahn|Python 22.7.1 (asyncio) against the router's Advanced Profile features.

Usage:
  /usr/bin/python3 advanced_python.py checks <ws-url> <realm> <json|msgpack|cbor>
  /usr/bin/python3 advanced_python.py callee <ws-url> <realm> <procedure>

checks  runs the checks below in <realm>, which must keep events as realm `stored` of
        src/test/resources/advanced.yaml does (retained events under com.example.sensor., a history of 5
        events for the subscription to the prefix com.example.history.). One line per check, "PASS <check>"
        or "FAIL <check>: <why>"; the exit code is 0 only if every check passed.
callee  registers <procedure> (for advanced-js.js's `cancel kill` check), prints READY and serves until its
        stdin closes. The procedure takes a topic, publishes on it once invoked, then waits until the router
        interrupts it, and answers the INTERRUPT with ERROR wamp.error.canceled ["interrupted"]
        {"mode": <INTERRUPT.Options.mode>}. Every INTERRUPT is printed as "INTERRUPT request=<id> mode=<mode>".

Autobahn|Python announces call_canceling as a callee (Autobahn|JS does not): an INTERRUPT cancels the
asyncio task of the invocation, and whatever that task raises goes back as the ERROR.
"""

import asyncio
import secrets
import sys
import traceback
from datetime import datetime

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession  # noqa: E402
from autobahn.wamp import message  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer  # noqa: E402
from autobahn.wamp.types import (  # noqa: E402
    CallOptions,
    PublishOptions,
    RegisterOptions,
    SubscribeOptions,
)

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
STEP_TIMEOUT = 5.0
# How long "nothing arrived" is watched for; events on loopback arrive within milliseconds.
GRACE = 0.3
RUN_TIMEOUT = 30.0
ACK = PublishOptions(acknowledge=True)


def log(text):
    print(text, flush=True)


class Session(ApplicationSession):
    """Exposes join, leave and disconnect as futures, and remembers the last INTERRUPT's mode."""

    def __init__(self, config):
        super().__init__(config)
        loop = asyncio.get_running_loop()
        self.joined = loop.create_future()
        self.left = loop.create_future()
        self.disconnected = loop.create_future()
        self.interrupt_mode = None
        self.on("disconnect", self._on_disconnect)

    def onMessage(self, msg):
        if isinstance(msg, message.Interrupt):
            # The application only sees its task canceled; the mode is in the raw message.
            self.interrupt_mode = msg.mode
            log(f"INTERRUPT request={msg.request} mode={msg.mode}")
        super().onMessage(msg)

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

    def drop(self):
        """Ends the TCP connection at once: no GOODBYE, no WebSocket close handshake."""
        self._transport.transport.abort()

    async def goodbye(self):
        self.leave()
        await asyncio.wait_for(self.left, STEP_TIMEOUT)
        await asyncio.wait_for(self.disconnected, STEP_TIMEOUT)


async def connect(url, realm, serializer):
    created = asyncio.get_running_loop().create_future()

    def make(config):
        session = Session(config)
        created.set_result(session)
        return session

    runner = ApplicationRunner(url, realm, serializers=[SERIALIZERS[serializer]()])
    await asyncio.wait_for(runner.run(make, start_loop=False), STEP_TIMEOUT)
    session = await asyncio.wait_for(created, STEP_TIMEOUT)
    await asyncio.wait_for(session.joined, STEP_TIMEOUT)
    return session


class Inbox:
    """Events of one subscription, for waiting on the next one or asserting silence."""

    def __init__(self):
        self.queue = asyncio.Queue()

    def handler(self, *args, details=None, **kwargs):
        self.queue.put_nowait((list(args), kwargs, details))

    async def next(self):
        return await asyncio.wait_for(self.queue.get(), STEP_TIMEOUT)

    async def expect_none(self, who):
        await asyncio.sleep(GRACE)
        if not self.queue.empty():
            raise AssertionError(f"{who} received {self.queue.get_nowait()!r}")


def expect_equal(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r} but got {actual!r}")


async def checks(url, realm, serializer):
    suffix = f"py_{serializer}_{secrets.token_hex(4)}"
    failures = 0

    async def check(name, body):
        nonlocal failures
        try:
            await asyncio.wait_for(body(), 3 * STEP_TIMEOUT)
            log(f"PASS {name}")
            return True
        except AssertionError as e:
            failures += 1
            log(f"FAIL {name}: {e}")
        except asyncio.TimeoutError:
            failures += 1
            log(f"FAIL {name}: timed out")
        except Exception as e:  # noqa: BLE001 - every failure is reported, whatever its type
            failures += 1
            log(f"FAIL {name}: {type(e).__name__}: {e}")
            traceback.print_exc()
        return False

    state = {}

    async def join():
        state["a"], state["b"] = await asyncio.gather(connect(url, realm, serializer), connect(url, realm, serializer))

    if not await check("join", join):
        return failures
    a, b = state["a"], state["b"]

    async def testament():
        topic = f"com.example.testament.{suffix}"
        inbox = Inbox()
        await b.subscribe(inbox.handler, topic)
        mortal = await connect(url, realm, serializer)
        session_id = mortal.session_id  # Autobahn|Python forgets it once the connection is gone
        await mortal.call("wamp.session.add_testament", topic, ["gone", session_id], {"n": 1})
        mortal.drop()
        args, kwargs, _ = await inbox.next()
        expect_equal((args, kwargs), (["gone", session_id], {"n": 1}), "the testament's event")
        # A flushed testament is not published.
        flushed = await connect(url, realm, serializer)
        await flushed.call("wamp.session.add_testament", topic, ["flushed"], {})
        await flushed.call("wamp.session.flush_testaments")
        flushed.drop()
        await inbox.expect_none("the subscriber, after a session that flushed its testament dropped")

    await check("testament: published when the connection drops (no GOODBYE), not once flushed", testament)

    async def retention():
        topic = f"com.example.sensor.{suffix}"
        retain = PublishOptions(acknowledge=True, retain=True)
        await a.publish(topic, 20, options=retain)
        await a.publish(topic, 21, unit="C", options=retain)
        await a.publish(topic, 99, options=ACK)  # not retained: the retained event stays 21
        late, plain = Inbox(), Inbox()
        await b.subscribe(late.handler, topic, options=SubscribeOptions(get_retained=True, details=True))
        args, kwargs, details = await late.next()
        expect_equal((args, kwargs), ([21], {"unit": "C"}), "the retained event")
        expect_equal(details.retained, True, "EventDetails.retained")
        await late.expect_none("the late subscriber, after the one retained event")
        other = await connect(url, realm, serializer)
        await other.subscribe(plain.handler, topic, options=SubscribeOptions(details=True))
        await plain.expect_none("a subscriber that did not ask for the retained event")
        await other.goodbye()

    await check("event retention: a later subscriber with get_retained gets the last retained event, retained=True", retention)

    async def history():
        topic = f"com.example.history.{suffix}"
        inbox = Inbox()
        # The subscription whose history the realm keeps: the rule's own pattern.
        sub = await b.subscribe(inbox.handler, "com.example.history.", options=SubscribeOptions(match="prefix"))
        publications = []
        for i in range(1, 8):
            publications.append((await a.publish(topic, i, options=ACK)).id)
        for _ in range(7):
            await inbox.next()

        def shown(events):
            return [(e["args"], e["publication"]) for e in events]

        kept = await b.call("wamp.subscription.get_events", sub.id, topic=topic)
        expect_equal(shown(kept), [([i], publications[i - 1]) for i in range(3, 8)], "get_events: the last 5 of 7 events")
        # The spec's event object: the original event plus when the broker got it.
        first = kept[0]
        missing = {"timestamp", "subscription", "publication", "details", "args"} - set(first)
        if missing:
            raise AssertionError(f"get_events: an event lacks {sorted(missing)}: {first!r}")
        expect_equal(first["subscription"], sub.id, "get_events: subscription of an event")
        datetime.fromisoformat(first["timestamp"].replace("Z", "+00:00"))  # RFC 3339
        newest = await b.call("wamp.subscription.get_events", sub.id, topic=topic, limit=2, reverse=True)
        expect_equal(shown(newest), [([7], publications[6]), ([6], publications[5])], "get_events limit=2 reverse=True")
        oldest = await b.call("wamp.subscription.get_events", sub.id, topic=topic, limit=2)
        expect_equal(shown(oldest), [([3], publications[2]), ([4], publications[3])], "get_events limit=2")
        await sub.unsubscribe()

    await check("event history: wamp.subscription.get_events with limit and reverse", history)

    async def progressive():
        procedure = f"com.example.progressive.{suffix}"

        async def countdown(n, details=None):
            if details.progress is None:
                raise ApplicationError("com.example.error.no_progress", "the caller did not ask for progress")
            for i in range(n, 0, -1):
                details.progress(i, left=i)
                await asyncio.sleep(0.01)
            return "liftoff"

        await b.register(countdown, procedure, options=RegisterOptions(details=True))
        received = []
        result = await a.call(
            procedure, 3, options=CallOptions(on_progress=lambda *args, **kwargs: received.append((list(args), kwargs)))
        )
        expect_equal(received, [([3], {"left": 3}), ([2], {"left": 2}), ([1], {"left": 1})], "progressive results")
        expect_equal(result, "liftoff", "the final result")

    await check("progressive call results", progressive)

    async def shared_first():
        procedure = f"com.example.first.{suffix}"
        first, second = await connect(url, realm, serializer), await connect(url, realm, serializer)
        await first.register(lambda: "first", procedure, options=RegisterOptions(invoke="first"))
        await second.register(lambda: "second", procedure, options=RegisterOptions(invoke="first"))
        served = [await a.call(procedure) for _ in range(3)]
        expect_equal(served, ["first"] * 3, "callees while both are registered")
        try:
            await b.register(lambda: "b", procedure, options=RegisterOptions(invoke="roundrobin"))
        except ApplicationError as e:
            expect_equal(e.error, "wamp.error.procedure_already_exists", "REGISTER with another invoke policy")
        else:
            raise AssertionError("a REGISTER with invoke=roundrobin joined an invoke=first registration")
        await first.goodbye()
        served = [await a.call(procedure) for _ in range(2)]
        expect_equal(served, ["second"] * 2, "callees after the first one left")
        await second.goodbye()

    await check("shared registration invoke=first: the oldest callee serves, then the next", shared_first)

    async def goodbye():
        for session in (a, b):
            await session.goodbye()

    await check("goodbye", goodbye)
    return failures


async def callee(url, realm, procedure):
    session = await connect(url, realm, "json")

    async def interruptible(started_topic):
        await session.publish(started_topic, "started", options=ACK)
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            log(f"interrupted (mode {session.interrupt_mode})")
            raise ApplicationError("wamp.error.canceled", "interrupted", mode=session.interrupt_mode)
        return "not interrupted"

    await session.register(interruptible, procedure)
    log("READY")
    # Serve until the test closes our stdin (or kills us).
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    log("stdin closed, leaving")
    await session.goodbye()
    return 0


async def main():
    mode, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else (None, [])
    txaio.start_logging(level="warn")
    if mode == "checks" and len(args) == 3 and args[2] in SERIALIZERS:
        try:
            failures = await asyncio.wait_for(checks(*args), RUN_TIMEOUT)
        except asyncio.TimeoutError:
            log(f"FAIL run: advanced-python/{args[2]} did not finish within {RUN_TIMEOUT:.0f} s")
            return 3
        log(f"advanced-python/{args[2]}: " + ("all checks passed" if failures == 0 else f"{failures} check(s) failed"))
        return 0 if failures == 0 else 1
    if mode == "callee" and len(args) == 3:
        return await callee(*args)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
