package io.quarkbar.interop;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A third-party WAMP client and how to run its scenario program: {@code <command> <ws-url> <realm>
 * <serializer>}. Every peer here speaks json, msgpack and cbor.
 */
enum Peer {
  AUTOBAHN_JS("autobahn-js") {
    @Override
    List<String> command() {
      return List.of(node(), nodeScript("autobahn-js.js"));
    }
  },
  WAMPY("wampy") {
    @Override
    List<String> command() {
      return List.of(node(), nodeScript("wampy.js"));
    }
  },
  AUTOBAHN_PYTHON("autobahn-python") {
    @Override
    List<String> command() {
      // Debian's python3-autobahn is visible to /usr/bin/python3 only, not to a pyenv python.
      Path script = dir("interop.python.dir", "src/test/python").resolve("autobahn_python.py");
      return List.of(System.getProperty("interop.python", "/usr/bin/python3"), script.toString());
    }
  },
  AUTOBAHN_JAVA("autobahn-java") {
    @Override
    List<String> command() {
      // Its own JVM and classpath: Autobahn|Java needs netty 4.1.34 and jackson 2.9, which clash
      // with what Quarkus brings.
      Path target = dir("interop.autobahn-java.dir", "autobahn-java-peer/target");
      Path jar = target.resolve("autobahn-java-peer.jar");
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            jar + " does not exist: package interop-tests/autobahn-java-peer first");
      }
      return List.of(
          RouterProcess.javaExecutable(),
          // A short-lived client: C1 alone starts faster and is plenty for a dozen messages.
          "-XX:TieredStopAtLevel=1",
          "-cp",
          jar + File.pathSeparator + target.resolve("deps") + "/*",
          "io.quarkbar.interop.peer.AutobahnJavaScenario");
    }
  };

  private final String id;

  Peer(String id) {
    this.id = id;
  }

  abstract List<String> command();

  String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
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
