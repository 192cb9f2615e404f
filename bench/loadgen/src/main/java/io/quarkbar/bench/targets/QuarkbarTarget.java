package io.quarkbar.bench.targets;

import io.quarkbar.bench.probe.Readiness;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * The packaged router-service with the open {@code realm1}, serving WebSocket and, on a port of its
 * own, RawSocket.
 */
final class QuarkbarTarget extends ProcessTarget {

  private Path app;
  private Path recording;
  private int rawSocketPort;

  QuarkbarTarget(TargetEnv env) {
    super(env, "quarkbar");
  }

  @Override
  public String description() {
    return "Quarkbar router-service (this checkout)";
  }

  @Override
  public List<Serializer> serializers() {
    return List.of(Serializer.JSON, Serializer.MSGPACK, Serializer.CBOR);
  }

  @Override
  public boolean isJvm() {
    return true;
  }

  @Override
  public OptionalInt rawSocketPort() {
    return isAlive() ? OptionalInt.of(rawSocketPort) : OptionalInt.empty();
  }

  @Override
  public Optional<Path> flightRecording() {
    return Optional.ofNullable(recording);
  }

  @Override
  protected List<String> command(int port) throws IOException {
    if (app == null) {
      app = copyBuild();
    }
    List<String> options = new ArrayList<>();
    if (env.profile()) {
      recording = env.workDir().resolve("quarkbar-" + port + ".jfr");
      options.add("-XX:StartFlightRecording=settings=profile,filename=" + recording);
    }
    env.eventLoops().ifPresent(n -> options.add("-Dquarkus.vertx.event-loops-pool-size=" + n));
    options.add("-Dquarkus.http.port=" + port);
    // RawSocket too, for rpc-rawsocket; an idle listener costs the other scenarios nothing.
    do {
      rawSocketPort = freePort();
    } while (rawSocketPort == port);
    options.add("-Drouter.rawsocket.port=" + rawSocketPort);
    // Every bench session comes from 127.0.0.1: the per-address bound (1,000 by default, a guard
    // against one client taking every slot) would refuse fanout's 1,000 subscribers and most of
    // the sessions scenario's 10,000. The total bound (50,000) stays.
    options.add("-Drouter.limits.max-sessions-per-address=50000");
    options.add("-Dquarkus.config.locations=" + app.resolve("realm1-open.yaml"));
    return jvm(options, List.of("-jar", app.resolve("quarkus-run.jar").toString()));
  }

  /**
   * Runs a copy: other work in the checkout rebuilds router-service/target at any time, and a jar
   * replaced under a running JVM breaks it.
   */
  private Path copyBuild() throws IOException {
    Path source = env.repoRoot().resolve("router-service/target/quarkus-app");
    if (!Files.isRegularFile(source.resolve("quarkus-run.jar"))) {
      throw new IllegalStateException(
          source
              + " holds no quarkus-run.jar: package router-service first"
              + " (./mvnw -B -q install -Dmaven.test.skip=true -pl"
              + " wamp/protocol,wamp/router,router-service -am)");
    }
    Path target = env.workDir().resolve("quarkbar-app");
    deleteTree(target);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = target.resolve(source.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Files.copy(
        env.repoRoot().resolve("router-service/config/realm1-open.yaml"),
        target.resolve("realm1-open.yaml"),
        StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  @Override
  protected String readyLine() {
    return null;
  }

  @Override
  protected boolean isReady() {
    try {
      return Readiness.isReady(port(), body -> true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
