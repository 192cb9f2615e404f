package io.quarkbar.wamp.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.management.ThreadMXBean;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;

/**
 * Whatever bytes a client sends, each decoder either hands the router a message or says why not
 * with a {@link ProtocolViolationException}, which the router answers with ABORT for that session
 * alone. Anything else escaping a decoder (another exception, a stack overflow, running out of
 * memory) would take down the connection's thread or the whole router.
 *
 * <p>Every input goes to all three decoders: a seed written for one format is random bytes to the
 * others, which is what a confused or hostile client sends. How to run it longer: docs/fuzzing.md.
 */
class DecoderFuzzTest {

  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * What decoding may allocate: a fixed allowance (the first message of a thread sets up its
   * reader) and a multiple of the input's size, far above what any message needs. A length field
   * that makes the decoder allocate what it promises instead of what the input holds would let a
   * few bytes take gigabytes of the router's heap, whether or not it runs out this time.
   */
  private static final long ALLOWED_BYTES = 16 << 20;

  private static final long ALLOWED_BYTES_PER_INPUT_BYTE = 256;

  /**
   * Replaying the seeds needs none of Jazzer's hooks, which serve its bug detectors and guide the
   * fuzzer, and applying them to the JDK's classes costs about eight seconds per test JVM: the
   * regression run in the build goes without them, fuzzing keeps them. {@code -Djazzer.hooks} set
   * by hand wins.
   */
  @BeforeAll
  static void hooksOnlyWhenFuzzing() {
    if (!isFuzzing() && System.getProperty("jazzer.hooks") == null) {
      System.setProperty("jazzer.hooks", "false");
    }
  }

  /** What Jazzer takes for fuzzing mode: JAZZER_FUZZ set to 1, true or yes. */
  private static boolean isFuzzing() {
    return Stream.of(System.getenv("JAZZER_FUZZ"), System.getProperty("JAZZER_FUZZ"))
        .anyMatch(
            v -> v != null && List.of("1", "true", "yes").contains(v.toLowerCase(Locale.ROOT)));
  }

  @FuzzTest(maxDuration = "2m")
  void decode(byte[] input) {
    for (Serializer serializer : Serializer.values()) {
      WampMessage message = decodeWithinAllowance(serializer, input);
      if (message != null) {
        forward(serializer, message);
      }
    }
  }

  /** The message, or null if the decoder refused the input; fails if decoding took too much. */
  private static WampMessage decodeWithinAllowance(Serializer serializer, byte[] input) {
    long allowed = ALLOWED_BYTES + ALLOWED_BYTES_PER_INPUT_BYTE * input.length;
    // The first input that takes a code path also loads (and, when fuzzing, instruments) its
    // classes on this thread, which allocates plenty: only an excess that comes again counts.
    for (int attempt = 1; ; attempt++) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      WampMessage message;
      try {
        message = serializer.decode(input);
      } catch (ProtocolViolationException refused) {
        message = null;
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
      if (allocated <= allowed) {
        return message;
      }
      if (attempt == 2) {
        throw new AssertionError(
            serializer + " allocated " + allocated + " bytes to decode " + input.length);
      }
    }
  }

  /**
   * What the router does with a message it accepted: it sends it on to receivers of every
   * serializer, which reads the payloads that were only checked on arrival and converts them. A
   * failure there would hit the sender's thread in the middle of routing, long after the message
   * was accepted.
   */
  private static void forward(Serializer from, WampMessage message) {
    for (Serializer to : Serializer.values()) {
      byte[] out = to.encode(message);
      if (to == from) {
        // Bytes passed through unchanged must still make a message a peer can read.
        from.decode(out);
      }
    }
  }
}
