package io.quarkbar.wamp.router.dealer;

import io.quarkbar.wamp.router.session.Session;

/**
 * Hears of registrations as they change, after each change (the registration meta events). Called
 * on the thread that made the change, outside the dealer's lock.
 */
public interface RegistrationListener {

  void registrationCreated(Session session, RegistrationInfo registration);

  void registered(Session session, long registration);

  void unregistered(Session session, long registration);

  void registrationDeleted(Session session, long registration);

  /** Hears nothing. */
  RegistrationListener NONE =
      new RegistrationListener() {
        @Override
        public void registrationCreated(Session session, RegistrationInfo registration) {}

        @Override
        public void registered(Session session, long registration) {}

        @Override
        public void unregistered(Session session, long registration) {}

        @Override
        public void registrationDeleted(Session session, long registration) {}
      };
}
