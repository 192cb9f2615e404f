package io.quarkbar.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TemplateTest {

  private static final List<Long> IDS =
      List.of(1L, 23L, 24L, 127L, 128L, 255L, 256L, 65_535L, 65_536L, 4_294_967_296L, 1L << 53);

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void renderedFrameIsWhatTheSerializerEncodesForEveryIdSize(Serializer s) {
    Template call =
        Template.of(s, id -> new Call(id, Map.of(), "bench.rpc.0", List.of("x", 42), Map.of()));
    for (long id : IDS) {
      byte[] rendered = bytes(call.render(id));
      Call expected = new Call(id, Map.of(), "bench.rpc.0", List.of("x", 42), Map.of());
      assertThat(rendered).as("id %d", id).isEqualTo(s.encode(expected));
      assertThat(((Call) s.decode(rendered)).request()).isEqualTo(id);
    }
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void leadingIntegersAreReadInPlace(Serializer s) {
    for (long id : IDS) {
      // Behind other bytes, as a message can sit inside a larger buffer.
      ByteBuf yield =
          Unpooled.buffer()
              .writeBytes(new byte[] {9, 9, 9})
              .writeBytes(s.encode(new Yield(id, Map.of(), List.of("x"), Map.of("k", 1))));
      yield.readerIndex(3);
      assertThat(Wire.intAt(s, yield, 0)).isEqualTo(Yield.CODE);
      assertThat(Wire.intAt(s, yield, 1)).isEqualTo(id);
      assertThat(Wire.intAt(s, yield, 2)).isEqualTo(Wire.NOT_AN_INT);
      ByteBuf error =
          Unpooled.wrappedBuffer(
              s.encode(new Error(Call.CODE, id, Map.of(), "wamp.error.x", List.of(), Map.of())));
      assertThat(Wire.intAt(s, error, 2)).isEqualTo(id);
    }
  }

  @ParameterizedTest
  @EnumSource(Serializer.class)
  void aRawSocketFrameIsTheLengthPrefixThenTheMessage(Serializer s) {
    Template call =
        Template.of(s, id -> new Call(id, Map.of(), "bench.rpc.0", List.of("x", 42), Map.of()));
    for (long id : IDS) {
      ByteBuf frame = call.rawSocketFrame(id);
      byte[] message = s.encode(new Call(id, Map.of(), "bench.rpc.0", List.of("x", 42), Map.of()));
      // Type 0 (a WAMP message) in the first byte, the length in the other three.
      assertThat(frame.readInt()).as("id %d", id).isEqualTo(message.length);
      assertThat(bytes(frame)).isEqualTo(message);
    }
  }

  private static byte[] bytes(ByteBuf buf) {
    byte[] b = new byte[buf.readableBytes()];
    buf.readBytes(b);
    return b;
  }
}
