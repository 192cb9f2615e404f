package io.quarkbar.wamp.router.broker;

import io.quarkbar.wamp.router.session.Session;

/**
 * Hears of subscriptions as they change, after each change (the subscription meta events). Called
 * on the thread that made the change, outside the broker's lock.
 */
public interface SubscriptionListener {

  void subscriptionCreated(Session session, SubscriptionInfo subscription);

  void subscribed(Session session, long subscription);

  void unsubscribed(Session session, long subscription);

  void subscriptionDeleted(Session session, long subscription);

  /** Hears nothing. */
  SubscriptionListener NONE =
      new SubscriptionListener() {
        @Override
        public void subscriptionCreated(Session session, SubscriptionInfo subscription) {}

        @Override
        public void subscribed(Session session, long subscription) {}

        @Override
        public void unsubscribed(Session session, long subscription) {}

        @Override
        public void subscriptionDeleted(Session session, long subscription) {}
      };
}
