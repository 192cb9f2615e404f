package io.quarkbar.platform.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WAMP session as the forum's page holds one, written out message by message (WAMP v2 over a JDK
 * WebSocket, {@code wamp.2.json}): join anonymously or with a ticket, and call. Small on purpose:
 * what the local run is checked with should not come from the code under test.
 */
final class WampJsonSession implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HELLO = 1;
  private static final int WELCOME = 2;
  private static final int ABORT = 3;
  private static final int CHALLENGE = 4;
  private static final int AUTHENTICATE = 5;
  private static final int GOODBYE = 6;
  private static final int ERROR = 8;
  private static final int CALL = 48;
  private static final int RESULT = 50;

  private final WebSocket ws;
  private final BlockingQueue<JsonNode> inbox;
  private final JsonNode welcomeDetails;
  private long requestId;

  private WampJsonSession(WebSocket ws, BlockingQueue<JsonNode> inbox, JsonNode welcomeDetails) {
    this.ws = ws;
    this.inbox = inbox;
    this.welcomeDetails = welcomeDetails;
  }

  /** Joins {@code realm} anonymously. */
  static WampJsonSession anonymous(URI url, String realm) throws Exception {
    return join(url, realm, null, null);
  }

  /** Joins {@code realm} as {@code authid} with ticket authentication: a login token. */
  static WampJsonSession ticket(URI url, String realm, String authid, String ticket)
      throws Exception {
    return join(url, realm, authid, ticket);
  }

  private static WampJsonSession join(URI url, String realm, String authid, String ticket)
      throws Exception {
    BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("wamp.2.json")
            .connectTimeout(TIMEOUT)
            .buildAsync(url, new Inbox(inbox))
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    ObjectNode details = JSON.createObjectNode();
    details.putObject("roles").putObject("caller");
    if (ticket != null) {
      details.putArray("authmethods").add("ticket");
      details.put("authid", authid);
    }
    send(ws, JSON.createArrayNode().add(HELLO).add(realm).add(details));
    JsonNode reply = take(inbox, "WELCOME");
    if (reply.get(0).asInt() == CHALLENGE) {
      send(ws, JSON.createArrayNode().add(AUTHENTICATE).add(ticket).add(JSON.createObjectNode()));
      reply = take(inbox, "WELCOME");
    }
    if (reply.get(0).asInt() != WELCOME) {
      ws.abort();
      throw new AssertionError("not welcomed to " + realm + " at " + url + ": " + reply);
    }
    return new WampJsonSession(ws, inbox, reply.get(2));
  }

  /** The WELCOME's {@code authid}. */
  String authid() {
    return welcomeDetails.path("authid").asText();
  }

  /** The WELCOME's {@code authrole}. */
  String authrole() {
    return welcomeDetails.path("authrole").asText();
  }

  /** Calls {@code procedure}; its result (the first result argument), or an AssertionError. */
  JsonNode call(String procedure, Object... args) throws Exception {
    long id = ++requestId;
    ArrayNode arguments = JSON.valueToTree(args);
    send(
        ws,
        JSON.createArrayNode()
            .add(CALL)
            .add(id)
            .add(JSON.createObjectNode())
            .add(procedure)
            .add(arguments));
    while (true) {
      JsonNode reply = take(inbox, "the answer to " + procedure);
      int type = reply.get(0).asInt();
      if (type == RESULT && reply.get(1).asLong() == id) {
        return reply.path(3).path(0);
      }
      if (type == ERROR && reply.get(2).asLong() == id) {
        throw new AssertionError(procedure + " failed: " + reply);
      }
      if (type == ABORT || type == GOODBYE) {
        throw new AssertionError("the session ended during " + procedure + ": " + reply);
      }
    }
  }

  @Override
  public void close() {
    ws.abort();
  }

  private static void send(WebSocket ws, JsonNode message) throws Exception {
    ws.sendText(JSON.writeValueAsString(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static JsonNode take(BlockingQueue<JsonNode> inbox, String what)
      throws InterruptedException {
    JsonNode message = inbox.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (message == null) {
      throw new AssertionError("no " + what + " within " + TIMEOUT);
    }
    return message;
  }

  /** Each whole text message, parsed; a close or an error as a message of their own. */
  private record Inbox(BlockingQueue<JsonNode> messages, StringBuilder text)
      implements WebSocket.Listener {

    Inbox(BlockingQueue<JsonNode> messages) {
      this(messages, new StringBuilder());
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          messages.add(JSON.readTree(text.toString()));
        } catch (Exception e) {
          messages.add(closed("not JSON: " + text));
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      messages.add(closed("a binary message in a JSON session"));
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      messages.add(closed("WebSocket closed: " + status + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      messages.add(closed("WebSocket error: " + error));
    }

    private static JsonNode closed(String why) {
      return JSON.createArrayNode().add(ABORT).add(JSON.createObjectNode()).add(why);
    }
  }
}
