package io.quarkbar.wamp.client.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.client.WampProcedure;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two beans register one procedure (single): the router refuses the second, and start-up fails with
 * the URI and the router's reason rather than running a service that cannot serve it.
 */
class RefusedRegistrationTest {

  @RegisterExtension
  static final QuarkusUnitTest app =
      new QuarkusUnitTest()
          .withApplicationRoot(jar -> jar.addClasses(First.class, Second.class))
          .assertException(
              e -> {
                Throwable root = e;
                while (root.getCause() != null && !(root instanceof IllegalStateException)) {
                  root = root.getCause();
                }
                assertThat(root.getMessage())
                    .contains("test.taken")
                    .contains("wamp.error.procedure_already_exists")
                    .contains("on-refused=retry");
              });

  static class First {
    @WampProcedure("test.taken")
    String a() {
      return "a";
    }
  }

  static class Second {
    @WampProcedure("test.taken")
    String b() {
      return "b";
    }
  }

  @Test
  void startUpFails() {
    // assertException above is the test.
  }
}
