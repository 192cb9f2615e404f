package io.quarkbar.wamp.client.runtime;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The embedded router of dev mode and tests, under {@code quarkbar.wamp.devservices}. */
@ConfigMapping(prefix = "quarkbar.wamp.devservices")
@ConfigRoot(phase = ConfigPhase.BUILD_TIME)
public interface DevServicesBuildConfig {

  /**
   * Whether dev mode and tests start an embedded router (an open realm, on a random port) for every
   * connection that has no {@code url}.
   */
  @WithDefault("true")
  boolean enabled();
}
