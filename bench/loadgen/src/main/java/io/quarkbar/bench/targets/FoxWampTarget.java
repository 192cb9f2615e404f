package io.quarkbar.bench.targets;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** fox-wamp 0.7.28 on Node.js, installed into bench/node_modules by {@code npm ci}; json only. */
final class FoxWampTarget extends ProcessTarget {

  FoxWampTarget(TargetEnv env) {
    super(env, "fox-wamp");
  }

  @Override
  public String description() {
    return "fox-wamp 0.7.28 (Node.js)";
  }

  @Override
  public List<Serializer> serializers() {
    return List.of(Serializer.JSON);
  }

  @Override
  public boolean isJvm() {
    return false;
  }

  @Override
  protected List<String> command(int port) {
    Path script = env.benchDir().resolve("node/fox-router.js");
    if (!Files.isDirectory(env.benchDir().resolve("node_modules/fox-wamp"))) {
      throw new IllegalStateException(
          "fox-wamp is not installed: run `npm ci --ignore-scripts` in " + env.benchDir());
    }
    return List.of("node", script.toString(), Integer.toString(port));
  }

  @Override
  protected String readyLine() {
    return "fox-wamp router listening";
  }
}
