package io.quarkbar.bench.targets;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A router to benchmark, run by the harness as its own process so that its CPU time and memory can
 * be read from {@code /proc}. A target that only forwards WebSocket frames (the raw relay) says so
 * with {@link #routesWamp()}; the scenarios then drive it with the same frames and no WAMP
 * handshake.
 */
public interface Target extends AutoCloseable {

  /** Short name used in the results, e.g. {@code quarkbar}. */
  String name();

  /** Name and version as the results show it, e.g. {@code jawampa 0.5.0}. */
  String description();

  /** The serializers it accepts. */
  List<Serializer> serializers();

  /**
   * False for a target that joins connections by URL ({@code ?channel=}) and forwards frames
   * between them without decoding: no HELLO, no REGISTER, no SUBSCRIBE.
   */
  default boolean routesWamp() {
    return true;
  }

  /** Starts a fresh process and returns once it accepts WebSocket connections. */
  void start() throws Exception;

  /** Whether the process started and has not ended. */
  boolean isAlive();

  /** The WebSocket endpoint of the running process. */
  URI url();

  /**
   * The TCP port on {@link #url()}'s host where the running process also serves WAMP over
   * RawSocket; empty for a target without it.
   */
  default OptionalInt rawSocketPort() {
    return OptionalInt.empty();
  }

  /** Process ID of the running process. */
  long pid();

  /** Whether {@code jcmd} can read the process' heap (a HotSpot JVM). */
  boolean isJvm();

  /** The process' log file, for failures. */
  Path log();

  /** Where its JFR recording goes, when it is a profiled JVM. */
  default Optional<Path> flightRecording() {
    return Optional.empty();
  }

  /** Stops the process; the next {@link #start()} begins another. */
  @Override
  void close();
}
