package io.quarkbar.wamp.router.config;

/**
 * Which published events a realm's broker keeps, for topics matching {@code uri} under {@code
 * match}: the last retained one per topic ({@code PUBLISH.Options.retain}, given to subscribers
 * that ask with {@code get_retained}), and the last {@code history} events of the subscription with
 * this very pattern ({@code wamp.subscription.get_events}). Nothing is kept unless a rule says so.
 *
 * @param retain whether retained events are kept for matching topics
 * @param history how many events the subscription {@code (uri, match)} keeps; 0 for none
 */
public record EventStoreRule(String uri, MatchPolicy match, boolean retain, int history) {}
