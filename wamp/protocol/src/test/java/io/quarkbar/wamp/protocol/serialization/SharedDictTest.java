package io.quarkbar.wamp.protocol.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.Invocation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A dict sent in many messages (a caller's disclosed identity) is encoded once per serializer, and
 * every message that carries it is byte for byte what it would be with a plain dict.
 */
class SharedDictTest {

  private static Map<String, Object> callerDetails() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("caller", 4711L);
    d.put("caller_authid", "ZQ7H-M3PD");
    d.put("caller_authrole", "anonymous");
    return d;
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void messagesCarryingItAreTheSameBytesAsWithAPlainDict(Serializer serializer) {
    Map<String, Object> shared = SharedDict.of(callerDetails());
    for (long request = 1; request <= 3; request++) {
      // The first time it is encoded in the middle of writing the INVOCATION, with the thread's
      // writer busy: it must not disturb that writer.
      byte[] withShared =
          serializer.encode(new Invocation(request, 9, shared, List.of("a", 1L), Map.of()));
      byte[] withPlain =
          serializer.encode(
              new Invocation(request, 9, callerDetails(), List.of("a", 1L), Map.of()));
      assertThat(withShared).isEqualTo(withPlain);
      Invocation decoded = (Invocation) serializer.decode(withShared);
      assertThat(decoded.details()).isEqualTo(callerDetails());
    }
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void oneDictGoesOutInEverySerializer(Serializer serializer) {
    Map<String, Object> shared = SharedDict.of(callerDetails());
    for (Serializer other : Serializer.values()) {
      other.encode(new Event(1, 2, shared, List.of(), Map.of()));
    }
    Event decoded =
        (Event) serializer.decode(serializer.encode(new Event(1, 2, shared, List.of(), Map.of())));
    assertThat(decoded.details()).isEqualTo(callerDetails());
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void nestedInAnotherValueItIsWrittenAsADict(Serializer serializer) {
    Map<String, Object> shared = SharedDict.of(callerDetails());
    Invocation decoded =
        (Invocation)
            serializer.decode(
                serializer.encode(
                    new Invocation(1, 9, Map.of(), List.of(shared), Map.of("who", shared))));
    assertThat(decoded.arguments()).containsExactly(callerDetails());
    assertThat(decoded.argumentsKw()).containsEntry("who", callerDetails());
  }

  @Test
  void itCannotBeChangedSoItsBytesCannotGoStale() {
    Map<String, Object> source = callerDetails();
    Map<String, Object> shared = SharedDict.of(source);
    source.put("caller", 1L);
    assertThat(shared).containsEntry("caller", 4711L);
    assertThatThrownBy(() -> shared.put("caller", 1L))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
