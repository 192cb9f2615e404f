"""Autobahn|Python 22.7.1 (asyncio) against three router nodes of one cluster: events across nodes.

Usage:
  /usr/bin/python3 cluster_python.py <ws-url-n1> <ws-url-n2> <ws-url-n3> <realm> <json|msgpack|cbor>

Every session of a check is on the node its name says (n1, n2, n3); the realm must let anonymous
sessions publish and subscribe everywhere and disclose publishers, as realm1 of
src/test/resources/realm1.yaml does. One line per check, "PASS <check>" or "FAIL <check>: <why>";
the exit code is 0 only if every check passed.
"""

import asyncio
import secrets
import sys
import traceback

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession  # noqa: E402
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer  # noqa: E402
from autobahn.wamp.types import PublishOptions, SubscribeOptions  # noqa: E402

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
STEP_TIMEOUT = 5.0
# How long "nothing arrived" is watched for: an event crosses two nodes and NATS in milliseconds.
GRACE = 0.5
RUN_TIMEOUT = 60.0
ACK = PublishOptions(acknowledge=True)


def log(text):
    print(text, flush=True)


class Session(ApplicationSession):
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
        session = Session(config)
        created.set_result(session)
        return session

    runner = ApplicationRunner(url, realm, serializers=[SERIALIZERS[serializer]()])
    await asyncio.wait_for(runner.run(make, start_loop=False), STEP_TIMEOUT)
    session = await asyncio.wait_for(created, STEP_TIMEOUT)
    await asyncio.wait_for(session.joined, STEP_TIMEOUT)
    return session


class Inbox:
    """Events of one or more subscriptions, for waiting on the next one or asserting silence."""

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


async def checks(url1, url2, url3, realm, serializer):
    urls = {"n1": url1, "n2": url2, "n3": url3}
    suffix = f"{serializer}_{secrets.token_hex(4)}"
    failures = 0

    async def on(node):
        return await connect(urls[node], realm, serializer)

    async def check(name, body):
        nonlocal failures
        try:
            await asyncio.wait_for(body(), 3 * STEP_TIMEOUT)
            log(f"PASS {name}")
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

    async def cross_node():
        topic = f"com.cluster.news.{suffix}"
        s2, s3, p1 = await asyncio.gather(on("n2"), on("n3"), on("n1"))
        in2, in3 = Inbox(), Inbox()
        await s2.subscribe(in2.handler, topic, options=SubscribeOptions(details=True))
        await s3.subscribe(in3.handler, topic, options=SubscribeOptions(details=True))
        await p1.publish(topic, "hello", 42, note={"k": "v"},
                         options=ACK)
        for inbox, who in ((in2, "n2"), (in3, "n3")):
            args, kwargs, details = await inbox.next()
            expect_equal((args, kwargs), (["hello", 42], {"note": {"k": "v"}}), f"the event on {who}")
            expect_equal(details.publisher, p1.session_id, f"the publisher disclosed on {who}")
            await inbox.expect_none(f"the subscriber on {who}, after its one event")

    await check("an event published on n1 reaches subscribers on n2 and n3 once", cross_node)

    async def patterns():
        base = f"com.pat{suffix}"
        topic = f"{base}.emergency-low"
        s1, s2, s3, p2 = await asyncio.gather(on("n1"), on("n2"), on("n3"), on("n2"))
        exact, prefix, wildcard = Inbox(), Inbox(), Inbox()
        await s2.subscribe(exact.handler, topic)
        await s3.subscribe(prefix.handler, f"{base}.emerg", options=SubscribeOptions(match="prefix"))
        await s1.subscribe(wildcard.handler, "com..emergency-low", options=SubscribeOptions(match="wildcard"))
        await p2.publish(topic, 1, options=ACK)
        for inbox, who in ((exact, "exact on n2"), (prefix, "prefix on n3"), (wildcard, "wildcard on n1")):
            args, _, _ = await inbox.next()
            expect_equal(args, [1], f"the event of the {who} subscription")
        await p2.publish(f"{base}.emerg", 2, options=ACK)
        await p2.publish(f"{base}.em", 3, options=ACK)
        args, _, _ = await prefix.next()
        expect_equal(args, [2], "what the prefix covers (a prefix of bytes: the topic itself)")
        for inbox, who in ((exact, "exact"), (prefix, "prefix"), (wildcard, "wildcard")):
            await inbox.expect_none(f"the {who} subscriber")

    await check("exact, prefix and wildcard subscriptions on three nodes, each event once", patterns)

    async def special_characters():
        topics = [f"s{suffix}.*", f"s{suffix}.>", f"s{suffix}.=2A", f"s{suffix}.\u00e9", f"s{suffix}.x>y"]
        p1 = await on("n1")
        inboxes = []
        for topic in topics:
            s = await on("n2")
            inbox = Inbox()
            await s.subscribe(inbox.handler, topic)
            inboxes.append(inbox)
        for topic in topics:
            await p1.publish(topic, topic, options=ACK)
        for topic, inbox in zip(topics, inboxes):
            args, _, _ = await inbox.next()
            expect_equal(args, [topic], f"the subscriber of {topic!r}")
        for topic, inbox in zip(topics, inboxes):
            await inbox.expect_none(f"the subscriber of {topic!r}, after its own event")

    await check("topics with '*', '>', '=', non-ASCII reach only their own subscribers", special_characters)

    async def lists():
        topic = f"com.lists.{suffix}"
        a, b, p1 = await asyncio.gather(on("n2"), on("n3"), on("n1"))
        in_a, in_b = Inbox(), Inbox()
        await a.subscribe(in_a.handler, topic)
        await b.subscribe(in_b.handler, topic)
        await p1.publish(topic, 1, options=PublishOptions(acknowledge=True, eligible=[b.session_id]))
        await p1.publish(topic, 2, options=PublishOptions(acknowledge=True, exclude=[b.session_id]))
        args, _, _ = await in_b.next()
        expect_equal(args, [1], "the eligible subscriber on n3")
        args, _, _ = await in_a.next()
        expect_equal(args, [2], "the subscriber on n2, excluded from the first event only")
        await in_a.expect_none("the subscriber on n2")
        await in_b.expect_none("the subscriber on n3")

    await check("eligible and exclude lists name sessions of other nodes", lists)

    async def order():
        a, b = f"com.order.a.{suffix}", f"com.order.b.{suffix}"
        s2, p1 = await asyncio.gather(on("n2"), on("n1"))
        inbox = Inbox()
        await s2.subscribe(inbox.handler, a)
        await s2.subscribe(inbox.handler, b)
        n = 1000
        for i in range(n):
            p1.publish(a if i % 2 == 0 else b, i)
        await p1.publish(a, "end", options=ACK)
        got = []
        while len(got) < n + 1:
            args, _, _ = await inbox.next()
            got.append(args[0])
        expect_equal(got, list(range(n)) + ["end"], "the order of the events on n2")

    await check("1000 events on two topics arrive in publishing order on another node", order)

    async def subscribe_then_publish():
        s2, p3 = await asyncio.gather(on("n2"), on("n3"))
        for i in range(50):
            topic = f"com.causal.{suffix}.t{i}"
            inbox = Inbox()
            sub = await s2.subscribe(inbox.handler, topic)
            await p3.publish(topic, i, options=ACK)
            args, _, _ = await inbox.next()
            expect_equal(args, [i], f"round {i}")
            await sub.unsubscribe()

    await check("subscribed on n2, published at once on n3: never missed (50 rounds)", subscribe_then_publish)

    async def meta_events():
        watcher = await on("n2")
        joins, leaves = Inbox(), Inbox()
        await watcher.subscribe(joins.handler, "wamp.session.on_join")
        await watcher.subscribe(leaves.handler, "wamp.session.on_leave")
        newcomer = await on("n3")
        newcomer_id = newcomer.session_id
        while True:
            args, _, _ = await joins.next()
            if args[0]["session"] == newcomer_id:
                break
        newcomer.leave()
        while True:
            args, _, _ = await leaves.next()
            if args[0] == newcomer_id:
                break

    await check("wamp.session.on_join and on_leave of a session on n3 reach a subscriber on n2", meta_events)
    return failures


async def main():
    args = sys.argv[1:]
    txaio.start_logging(level="warn")
    if len(args) != 5 or args[4] not in SERIALIZERS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        failures = await asyncio.wait_for(checks(*args), RUN_TIMEOUT)
    except asyncio.TimeoutError:
        log(f"FAIL run: cluster-python/{args[4]} did not finish within {RUN_TIMEOUT:.0f} s")
        return 3
    log(f"cluster-python/{args[4]}: " + ("all checks passed" if failures == 0 else f"{failures} check(s) failed"))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
