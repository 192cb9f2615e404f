package io.quarkbar.interop;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A third-party WAMP client and how to run its programs: the scenario, {@code <command> <ws-url>
 * <realm> <serializer>}, and the authentication checks, {@code <auth command> <suite> <ws-url>
 * <serializer>} (suites: see each program; {@code static} is common to all). Every peer here speaks
 * json, msgpack and cbor.
 */
enum Peer {
  AUTOBAHN_JS("autobahn-js") {
    @Override
    List<String> command() {
      return List.of(node(), nodeScript("autobahn-js.js"));
    }

    @Override
    List<String> authCommand() {
      return List.of(node(), nodeScript("autobahn-js-auth.js"));
    }
  },
  WAMPY("wampy") {
    @Override
    List<String> command() {
      return List.of(node(), nodeScript("wampy.js"));
    }

    @Override
    List<String> authCommand() {
      return List.of(node(), nodeScript("wampy-auth.js"));
    }
  },
  AUTOBAHN_PYTHON("autobahn-python") {
    @Override
    List<String> command() {
      return python("autobahn_python.py");
    }

    @Override
    List<String> authCommand() {
      return python("autobahn_python_auth.py");
    }
  },
  AUTOBAHN_JAVA("autobahn-java") {
    @Override
    List<String> command() {
      return javaPeer("io.quarkbar.interop.peer.AutobahnJavaScenario");
    }

    @Override
    List<String> authCommand() {
      return javaPeer("io.quarkbar.interop.peer.AutobahnJavaAuth");
    }
  };

  private final String id;

  Peer(String id) {
    this.id = id;
  }

  abstract List<String> command();

  abstract List<String> authCommand();

  String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }

  /** A program run by Node.js with this module's node_modules (Autobahn|JS, wampy). */
  static List<String> javascript(String script) {
    return List.of(node(), nodeScript(script));
  }

  /** A program run by Debian's Python, whose python3-autobahn a pyenv python does not see. */
  static List<String> python(String script) {
    Path path = dir("interop.python.dir", "src/test/python").resolve(script);
    return List.of(System.getProperty("interop.python", "/usr/bin/python3"), path.toString());
  }

  /**
   * A main class of the Autobahn|Java peer, in its own JVM and classpath: Autobahn|Java needs netty
   * 4.1.34 and jackson 2.9, which clash with what Quarkus brings.
   */
  private static List<String> javaPeer(String mainClass) {
    Path target = dir("interop.autobahn-java.dir", "autobahn-java-peer/target");
    Path jar = target.resolve("autobahn-java-peer.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " does not exist: package interop-tests/autobahn-java-peer first");
    }
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // A short-lived client: C1 alone starts faster and is plenty for a dozen messages.
        "-XX:TieredStopAtLevel=1",
        "-cp",
        jar + File.pathSeparator + target.resolve("deps") + "/*",
        mainClass);
  }

  private static String node() {
    return System.getProperty("interop.node", "node");
  }

  private static String nodeScript(String name) {
    Path dir = dir("interop.node.dir", "src/test/node");
    Path modules = dir.resolve("../../../node_modules").normalize();
    if (!Files.isDirectory(modules)) {
      throw new IllegalStateException(
          modules + " does not exist: run `npm ci` in interop-tests (the Maven build does)");
    }
    return dir.resolve(name).toString();
  }

  private static Path dir(String property, String fallback) {
    return Path.of(System.getProperty(property, fallback)).toAbsolutePath();
  }
}
