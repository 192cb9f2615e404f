"""Autobahn|Python 22.7.1 (asyncio) against three router nodes of one cluster: events and calls
across nodes.

Usage:
  /usr/bin/python3 cluster_python.py <ws-url-n1> <ws-url-n2> <ws-url-n3> <realm> <json|msgpack|cbor>

Every session of a check is on the node its name says (n1, n2, n3); the realm must let anonymous
sessions publish, subscribe, call and register everywhere, disclose publishers and callers, and retain
events under com.cluster.retained., as realm1 of src/test/resources/realm1.yaml does. One line per check, "PASS <check>" or "FAIL <check>: <why>";
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
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import CallOptions, PublishOptions, RegisterOptions, SubscribeOptions  # noqa: E402

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}
STEP_TIMEOUT = 5.0
# How long "nothing arrived" is watched for: an event crosses two nodes and NATS in milliseconds.
GRACE = 0.5
RUN_TIMEOUT = 120.0
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


async def call_when_routable(session, procedure, *args, **kwargs):
    """CALL, again while the caller's node does not know the procedure yet (another node's
    registration reaches it a few milliseconds after REGISTERED)."""
    deadline = asyncio.get_running_loop().time() + STEP_TIMEOUT
    while True:
        try:
            return await session.call(procedure, *args, **kwargs)
        except ApplicationError as e:
            if e.error != "wamp.error.no_such_procedure" or asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.02)


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

    async def retained():
        topic = f"com.cluster.retained.{suffix}"
        p1 = await on("n1")
        retain = PublishOptions(acknowledge=True, retain=True)
        await p1.publish(topic, 20, options=retain)
        await p1.publish(topic, 21, unit="C", options=retain)
        await p1.publish(topic, 99, options=ACK)  # not retained: the retained event stays 21
        # Retained events reach the other nodes as they travel, with no promise of when: a late
        # subscriber on n3 asks again until its node has them.
        s3 = await on("n3")
        deadline = asyncio.get_running_loop().time() + STEP_TIMEOUT
        while True:
            late = Inbox()
            sub = await s3.subscribe(late.handler, topic, options=SubscribeOptions(get_retained=True, details=True))
            try:
                args, kwargs, details = await asyncio.wait_for(late.queue.get(), GRACE)
                break
            except asyncio.TimeoutError:
                await sub.unsubscribe()
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError("no retained event reached the late subscriber on n3")
        expect_equal((args, kwargs), ([21], {"unit": "C"}), "the retained event on n3")
        expect_equal(details.retained, True, "EventDetails.retained")
        await late.expect_none("the late subscriber on n3, after the one retained event")

    await check("a late subscriber on n3 gets the last event retained on n1", retained)

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

    async def session_meta_api():
        asker, two, three, watcher = await asyncio.gather(on("n1"), on("n2"), on("n3"), on("n2"))
        leaves = Inbox()
        await watcher.subscribe(leaves.handler, "wamp.session.on_leave")
        others = {two.session_id, three.session_id}
        deadline = asyncio.get_running_loop().time() + STEP_TIMEOUT
        while not others <= set(await asker.call("wamp.session.list")):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("n1's wamp.session.list never listed the sessions of n2 and n3")
            await asyncio.sleep(0.02)
        details = await asker.call("wamp.session.get", three.session_id)
        expect_equal(details["authid"], three.joined.result().authid, "the authid n1 gives for a session of n3")
        three_id = three.session_id  # Autobahn forgets it once the session left
        await asker.call("wamp.session.kill", three_id, reason="com.cluster.bye", message="go")
        closed = await asyncio.wait_for(three.left, STEP_TIMEOUT)
        expect_equal(closed.reason, "com.cluster.bye", "the GOODBYE reason the killed session on n3 got")
        while True:
            args, _, _ = await leaves.next()
            if args[0] == three_id:
                break
        await asyncio.sleep(GRACE)
        while not leaves.queue.empty():
            args, _, _ = leaves.queue.get_nowait()
            if args[0] == three_id:
                raise AssertionError("the killed session's on_leave reached n2 twice")

    await check("wamp.session.list, get and kill on n1 reach sessions on n2 and n3; one on_leave", session_meta_api)

    async def subscription_ids():
        topic = f"com.cluster.same_id.{suffix}"
        sessions = await asyncio.gather(on("n1"), on("n2"), on("n3"))
        inbox = Inbox()
        subscriptions = [await s.subscribe(inbox.handler, topic) for s in sessions]
        expect_equal(len({sub.id for sub in subscriptions}), 1, "distinct subscription IDs of one topic on three nodes")

    await check("one topic has one subscription ID on n1, n2 and n3", subscription_ids)

    async def rpc_across_nodes():
        procedure = f"com.cluster.add.{suffix}"
        callee, caller = await asyncio.gather(on("n2"), on("n1"))
        seen = {}

        def add(a, b, details=None):
            seen["caller"] = details.caller
            return a + b

        await callee.register(add, procedure, options=RegisterOptions(details_arg="details"))
        # realm1 discloses every caller (its role's "disclose: [caller]").
        result = await call_when_routable(caller, procedure, 2, 3)
        expect_equal(result, 5, "the result from n2")
        expect_equal(seen["caller"], caller.session_id, "the caller on n1 disclosed to the callee on n2")

    await check("a caller on n1 calls a callee on n2, disclosed", rpc_across_nodes)

    async def rpc_errors():
        procedure = f"com.cluster.fails.{suffix}"
        callee, caller = await asyncio.gather(on("n3"), on("n1"))

        def fails():
            raise ApplicationError("com.cluster.error.oops", "no way", code=7)

        await callee.register(fails, procedure)
        try:
            await call_when_routable(caller, procedure)
            raise AssertionError("the call succeeded")
        except ApplicationError as e:
            expect_equal((e.error, list(e.args), e.kwargs), ("com.cluster.error.oops", ["no way"], {"code": 7}),
                         "the callee's error on n3, as the caller on n1 got it")

    await check("a callee's error on n3 reaches its caller on n1 with URI, args and kwargs", rpc_errors)

    async def progressive():
        procedure = f"com.cluster.count.{suffix}"
        callee, caller = await asyncio.gather(on("n3"), on("n2"))

        async def count(n, details=None):
            for i in range(n):
                details.progress(i)
            return "done"

        await callee.register(count, procedure, options=RegisterOptions(details_arg="details"))
        progress = []
        result = await call_when_routable(caller, procedure, 20, options=CallOptions(on_progress=progress.append))
        expect_equal((progress, result), (list(range(20)), "done"), "progressive results in order, then the result")

    await check("progressive results of a callee on n3 reach the caller on n2 in order", progressive)

    async def registration_race():
        racers = await asyncio.gather(on("n1"), on("n2"), on("n3"))
        for i in range(20):
            procedure = f"com.cluster.race.{suffix}.r{i}"
            outcomes = await asyncio.gather(
                *(r.register(lambda: None, procedure) for r in racers), return_exceptions=True)
            won = [o for o in outcomes if not isinstance(o, BaseException)]
            lost = [o for o in outcomes if isinstance(o, ApplicationError)
                    and o.error == "wamp.error.procedure_already_exists"]
            expect_equal((len(won), len(lost)), (1, 2), f"round {i}: registrations won and refused {outcomes!r}")
            await won[0].unregister()

    await check("three nodes race to register one procedure: exactly one wins (20 rounds)", registration_race)

    async def shared():
        procedure = f"com.cluster.shared.{suffix}"
        callees = await asyncio.gather(on("n1"), on("n2"), on("n3"))
        caller = await on("n2")
        for node, callee in zip(("n1", "n2", "n3"), callees):
            await callee.register(lambda node=node: node, procedure, options=RegisterOptions(invoke="roundrobin"))
        # Until every node knows the three callees, a caller's node may know fewer.
        await asyncio.sleep(GRACE)
        served = [await call_when_routable(caller, procedure) for _ in range(9)]
        expect_equal(sorted(served), ["n1"] * 3 + ["n2"] * 3 + ["n3"] * 3, "callees served in turn")

    await check("a roundrobin registration with callees on three nodes serves each in turn", shared)

    async def pattern_registrations():
        base = f"com.rpat{suffix}"
        exact, prefix, wildcard, caller = await asyncio.gather(on("n2"), on("n3"), on("n1"), on("n1"))

        def answer(name):
            return lambda details=None: [name, details.procedure]

        await exact.register(answer("exact"), f"{base}.a.b", options=RegisterOptions(details_arg="details"))
        await prefix.register(answer("prefix"), f"{base}.a",
                              options=RegisterOptions(match="prefix", details_arg="details"))
        await wildcard.register(answer("wildcard"), f"{base}..b",
                                options=RegisterOptions(match="wildcard", details_arg="details"))
        await asyncio.sleep(GRACE)
        # Autobahn|Python fills in the registered URI when the router does not name the procedure.
        expect_equal(await call_when_routable(caller, f"{base}.a.b"), ["exact", f"{base}.a.b"],
                     "the exact registration")
        expect_equal(await call_when_routable(caller, f"{base}.a.b.c"), ["prefix", f"{base}.a.b.c"],
                     "the prefix registration")
        expect_equal(await call_when_routable(caller, f"{base}.z.b"), ["wildcard", f"{base}.z.b"],
                     "the wildcard registration")

    await check("exact, prefix and wildcard registrations on three nodes: the spec's precedence", pattern_registrations)
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
