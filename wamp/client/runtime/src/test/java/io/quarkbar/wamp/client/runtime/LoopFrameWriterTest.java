package io.quarkbar.wamp.client.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The Quarkus and Vert.x this extension is built with let {@link LoopFrameWriter} reach a
 * connection's channel. When an upgrade takes that away, the extension still works, flushing every
 * message on its own, and its event-loop procedures serve several times fewer calls
 * (bench/README.md, rpc-extension): this test is what says so before the benchmark does.
 */
class LoopFrameWriterTest {

  @Test
  void theWebSocketClientOnTheClassPathLetsMessagesBeWrittenTogether() {
    assertThat(LoopFrameWriter.available())
        .as(
            "websockets-next' WebSocketConnectionBase.webSocket() and Vert.x's WebSocketImplBase"
                + " are there")
        .isTrue();
  }
}
