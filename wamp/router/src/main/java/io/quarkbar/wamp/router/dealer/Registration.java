package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.router.config.MatchPolicy;
import io.quarkbar.wamp.router.session.Session;

/** One registered procedure (or procedure pattern) and the callee that serves it. */
record Registration(
    long id, String uri, MatchPolicy match, Session callee, boolean discloseCaller) {}
