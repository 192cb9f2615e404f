package io.quarkbar.wamp.client.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * The service against the packaged router-service ({@link RouterServiceResource}). The test classes
 * with this profile share one service and one router process.
 */
public class RouterServiceProfile implements QuarkusTestProfile {

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(RouterServiceResource.class));
  }
}
