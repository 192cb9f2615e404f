package io.quarkbar.bench.targets;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.util.ArrayList;
import java.util.List;

/** {@link io.quarkbar.bench.relay.RawRelayMain}: the ceiling of any router on this transport. */
final class RawRelayTarget extends ProcessTarget {

  RawRelayTarget(TargetEnv env) {
    super(env, "raw-relay");
  }

  @Override
  public String description() {
    return "raw Vert.x WebSocket relay (no WAMP; forwards frames as they are)";
  }

  @Override
  public List<Serializer> serializers() {
    return List.of(Serializer.JSON, Serializer.MSGPACK, Serializer.CBOR);
  }

  @Override
  public boolean routesWamp() {
    return false;
  }

  @Override
  public boolean isJvm() {
    return true;
  }

  @Override
  protected List<String> command(int port) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "-cp",
            env.loadgenClasspath(),
            "io.quarkbar.bench.relay.RawRelayMain",
            Integer.toString(port)));
    env.eventLoops().ifPresent(n -> args.add(Integer.toString(n)));
    return jvm(List.of(), args);
  }

  @Override
  protected String readyLine() {
    return "raw relay listening";
  }
}
