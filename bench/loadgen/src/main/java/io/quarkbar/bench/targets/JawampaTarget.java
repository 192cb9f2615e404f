package io.quarkbar.bench.targets;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * jawampa 0.5.0's router, from bench/jawampa-router/target, on its own classpath (netty 4.1.11,
 * jackson 2.4). Its WELCOME announces the broker's and dealer's features under {@code publisher}
 * and {@code subscriber} keys; the load generator reads no WELCOME details, so that does not matter
 * here. It refuses a HELLO whose {@code roles} is missing or names a role it does not know.
 */
final class JawampaTarget extends ProcessTarget {

  JawampaTarget(TargetEnv env) {
    super(env, "jawampa");
  }

  @Override
  public String description() {
    return "jawampa 0.5.0 (jawampa-netty, netty 4.1.11)";
  }

  @Override
  public List<Serializer> serializers() {
    return List.of(Serializer.JSON, Serializer.MSGPACK);
  }

  @Override
  public boolean isJvm() {
    return true;
  }

  @Override
  protected List<String> command(int port) {
    Path target = env.benchDir().resolve("jawampa-router/target");
    Path jar = target.resolve("jawampa-router.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " does not exist: package bench/jawampa-router first (bench/run.sh does)");
    }
    String classpath = jar + File.pathSeparator + target.resolve("deps") + File.separator + "*";
    return jvm(
        List.of(),
        List.of(
            "-cp",
            classpath,
            "io.quarkbar.bench.jawampa.JawampaRouterMain",
            Integer.toString(port)));
  }

  @Override
  protected String readyLine() {
    return "jawampa router listening";
  }

  /** {@code WampRouter.close()} hangs on SIGTERM, so there is no graceful stop to wait for. */
  @Override
  protected boolean stopsOnSigterm() {
    return false;
  }
}
