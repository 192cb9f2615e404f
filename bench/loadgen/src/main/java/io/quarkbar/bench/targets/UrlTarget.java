package io.quarkbar.bench.targets;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A router someone else runs, known by its WebSocket URL only: what a {@link
 * io.quarkbar.bench.client.Connector} needs to open sessions on one node of several.
 */
public record UrlTarget(URI url) implements Target {

  @Override
  public String name() {
    return url.toString();
  }

  @Override
  public String description() {
    return url.toString();
  }

  @Override
  public List<Serializer> serializers() {
    return List.of(Serializer.JSON, Serializer.MSGPACK, Serializer.CBOR);
  }

  @Override
  public void start() {}

  @Override
  public boolean isAlive() {
    return true;
  }

  @Override
  public long pid() {
    return -1;
  }

  @Override
  public boolean isJvm() {
    return false;
  }

  @Override
  public Path log() {
    return Path.of("/dev/null");
  }

  @Override
  public void close() {}
}
