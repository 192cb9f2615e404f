package io.quarkbar.router.rawsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.wamp.protocol.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** The RawSocket bytes, against the specification's own examples. */
class FramingTest {

  @Test
  void theAnnouncedMaximumIsAPowerOfTwoNotAboveTheConfiguredOne() {
    assertThat(Framing.announceable(1_048_576)).isEqualTo(1_048_576);
    assertThat(Framing.announceable(1_000_000)).isEqualTo(524_288);
    assertThat(Framing.announceable(4096)).isEqualTo(4096);
    assertThat(Framing.announceable(100)).isEqualTo(512);
    assertThat(Framing.announceable(Integer.MAX_VALUE)).isEqualTo(16 * 1024 * 1024);
  }

  @Test
  void handshakeReplies() {
    // 2nd octet: LLLL = log2(max) - 9, SSSS = the serializer.
    assertThat(Framing.accept(16 * 1024 * 1024, Serializer.JSON)).containsExactly(0x7F, 0xF1, 0, 0);
    assertThat(Framing.accept(512, Serializer.CBOR)).containsExactly(0x7F, 0x03, 0, 0);
    assertThat(Framing.accept(1 << 20, Serializer.MSGPACK)).containsExactly(0x7F, 0xB2, 0, 0);
    assertThat(Framing.refuse(Framing.ERROR_MAX_CONNECTIONS)).containsExactly(0x7F, 0x40, 0, 0);
    assertThat(Framing.maxLength(0)).isEqualTo(512);
    assertThat(Framing.maxLength(15)).isEqualTo(1 << 24);
  }

  @Test
  void framePrefixes() {
    assertThat(Framing.prefix(Framing.MESSAGE, 5)).isEqualTo(0x0000_0005);
    assertThat(Framing.prefix(Framing.PING, 0)).isEqualTo(0x0100_0000);
    // 16M - 1: RRRR 0TTT 1111 ...; exactly 16M: RRRR 1TTT 0000 ...
    assertThat(Framing.prefix(Framing.PONG, (1 << 24) - 1)).isEqualTo(0x02FF_FFFF);
    assertThat(Framing.prefix(Framing.MESSAGE, 1 << 24)).isEqualTo(0x0800_0000);
    assertThat(Framing.payloadLength(0x0800_0000)).isEqualTo(1 << 24);
    assertThat(Framing.payloadLength(0x0800_0001)).isGreaterThan(Framing.MAX_LENGTH);
    assertThat(Framing.payloadLength(0x02FF_FFFF)).isEqualTo((1 << 24) - 1);
  }
}
