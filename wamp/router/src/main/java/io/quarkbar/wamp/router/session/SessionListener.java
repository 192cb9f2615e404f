package io.quarkbar.wamp.router.session;

import io.quarkbar.wamp.protocol.message.WampMessage;

/** Where an open {@link Session} hands its messages and its end: the realm it joined. */
public interface SessionListener {

  /** A message on an open session. */
  void message(Session session, WampMessage message);

  /** An open session has ended, for whatever reason; called once. */
  void closed(Session session);
}
