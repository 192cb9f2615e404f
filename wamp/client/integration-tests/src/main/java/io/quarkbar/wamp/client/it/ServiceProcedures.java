package io.quarkbar.wamp.client.it;

import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.WampProcedure;
import io.smallrye.mutiny.Multi;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service's procedures, registered on whatever router {@code quarkbar.wamp.url} names: a
 * compact set of the shapes the extension supports (the full matrix is tested in
 * wamp/client/deployment). Every URI is exact, with no option a router might not know, so that
 * routers we did not write accept the registrations.
 */
public class ServiceProcedures {

  /** Positional arguments in, one value out. */
  @WampProcedure("it.app.add")
  int add(int a, int b) {
    return a + b;
  }

  /** Positional or keyword arguments by parameter name; {@code greeting} may be left out. */
  @WampProcedure("it.app.greet")
  String greet(String name, String greeting) {
    return (greeting == null ? "hello" : greeting) + ", " + name;
  }

  /** Keyword arguments as a record in, a record out (a dict to the caller). */
  @WampProcedure("it.app.create")
  Post create(NewPost post) {
    return new Post(7, post.title(), post.body());
  }

  /** Bean Validation: a violation is {@code wamp.error.invalid_argument} with the violations. */
  @WampProcedure("it.app.login")
  String login(@NotBlank String username, @Size(min = 8) String password) {
    return "token-for-" + username;
  }

  /** An application error reaches the caller with its URI, arguments and keyword arguments. */
  @WampProcedure("it.app.refuse")
  String refuse() {
    throw new WampException("it.error.refused", List.of("no", 2), Map.of("why", "because"));
  }

  /** Any other exception is {@code wamp.error.runtime_error}, without the internals. */
  @WampProcedure("it.app.crash")
  String crash() {
    throw new IllegalStateException("secret internals");
  }

  /** Progressive results to a caller that asks for them, one list to one that does not. */
  @WampProcedure("it.app.count")
  Multi<Integer> count(int n) {
    return Multi.createFrom().range(1, n + 1);
  }

  /** Who called, as the router disclosed it. */
  @WampProcedure(value = "it.app.whoami", discloseCaller = true)
  Map<String, Object> whoami(InvocationDetails details) {
    Map<String, Object> who = new LinkedHashMap<>();
    who.put("session", details.caller());
    who.put("authid", details.callerAuthid());
    who.put("authrole", details.callerAuthrole());
    return who;
  }
}
