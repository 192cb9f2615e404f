package io.quarkbar.wamp.router.config;

import java.util.Map;
import java.util.Optional;

/**
 * How one authentication method decides who may join a realm: principals listed in the
 * configuration, or a dynamic authenticator procedure; never both.
 *
 * @param principals by authid
 * @param authenticator asked about every authid when present
 */
public record MethodConfig(
    Map<String, Principal> principals, Optional<DynamicProcedure> authenticator) {

  public MethodConfig {
    principals = Map.copyOf(principals);
  }

  public static MethodConfig of(Map<String, Principal> principals) {
    return new MethodConfig(principals, Optional.empty());
  }

  public static MethodConfig dynamic(DynamicProcedure authenticator) {
    return new MethodConfig(Map.of(), Optional.of(authenticator));
  }
}
