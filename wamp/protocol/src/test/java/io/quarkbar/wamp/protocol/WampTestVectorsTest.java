package io.quarkbar.wamp.protocol;

import static io.quarkbar.wamp.protocol.WireValues.normalize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkbar.wamp.protocol.codec.ProtocolViolationException;
import io.quarkbar.wamp.protocol.message.Abort;
import io.quarkbar.wamp.protocol.message.Authenticate;
import io.quarkbar.wamp.protocol.message.Call;
import io.quarkbar.wamp.protocol.message.Cancel;
import io.quarkbar.wamp.protocol.message.Challenge;
import io.quarkbar.wamp.protocol.message.Error;
import io.quarkbar.wamp.protocol.message.Event;
import io.quarkbar.wamp.protocol.message.EventReceived;
import io.quarkbar.wamp.protocol.message.Goodbye;
import io.quarkbar.wamp.protocol.message.Hello;
import io.quarkbar.wamp.protocol.message.Interrupt;
import io.quarkbar.wamp.protocol.message.Invocation;
import io.quarkbar.wamp.protocol.message.Publish;
import io.quarkbar.wamp.protocol.message.Published;
import io.quarkbar.wamp.protocol.message.Register;
import io.quarkbar.wamp.protocol.message.Registered;
import io.quarkbar.wamp.protocol.message.Result;
import io.quarkbar.wamp.protocol.message.Subscribe;
import io.quarkbar.wamp.protocol.message.Subscribed;
import io.quarkbar.wamp.protocol.message.Unregister;
import io.quarkbar.wamp.protocol.message.Unregistered;
import io.quarkbar.wamp.protocol.message.Unsubscribe;
import io.quarkbar.wamp.protocol.message.Unsubscribed;
import io.quarkbar.wamp.protocol.message.WampMessage;
import io.quarkbar.wamp.protocol.message.Welcome;
import io.quarkbar.wamp.protocol.message.WithPayload;
import io.quarkbar.wamp.protocol.message.Yield;
import io.quarkbar.wamp.protocol.serialization.Serializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Drives the wamp-proto test vectors (directory in system property {@code wamp.testsuite.dir}, see
 * its {@code SCHEMA.json}). Every file × sample × serializer is one dynamic test. The serializers
 * {@code ubjson} and {@code flatbuffers} are not ours and are skipped.
 *
 * <p>A SerializationSample is checked in both directions with the "at least one must match"
 * semantics of the schema: every listed representation must decode to a message with the expected
 * attributes, and our encoding of that message must decode to the same wire list and be
 * byte-for-byte one of the listed representations (compact JSON, minimal-width msgpack and CBOR
 * integers, definite-length containers, dict keys in wire order). A ValidationSample's raw {@code
 * wmsg} is encoded with each serializer and must be rejected with a protocol violation that names
 * the offending key, or accepted.
 */
class WampTestVectorsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final Map<String, Serializer> SERIALIZERS =
      Map.of("json", Serializer.JSON, "msgpack", Serializer.MSGPACK, "cbor", Serializer.CBOR);

  private static final List<String> SERIALIZER_ORDER = List.of("json", "msgpack", "cbor");

  /**
   * The wire layout of each message type for building a wire list from named attributes (the
   * multisession vectors give messages as dicts). Alternatives are separated by {@code |}; a name
   * in brackets is optional and, like all that follow it, left out when absent.
   */
  private static final Map<String, List<String>> LAYOUTS =
      Map.ofEntries(
          Map.entry("HELLO", List.of("1", "realm", "details")),
          Map.entry("WELCOME", List.of("2", "session_id", "details")),
          Map.entry("ABORT", List.of("3", "details", "reason", "[args]", "[kwargs]")),
          Map.entry("CHALLENGE", List.of("4", "method", "extra")),
          Map.entry("AUTHENTICATE", List.of("5", "signature", "extra")),
          Map.entry("GOODBYE", List.of("6", "details", "reason")),
          Map.entry(
              "ERROR",
              List.of("8", "request_type", "request_id", "details", "error", "[args]", "[kwargs]")),
          Map.entry(
              "PUBLISH", List.of("16", "request_id", "options", "topic", "[args]", "[kwargs]")),
          Map.entry("PUBLISHED", List.of("17", "request_id", "publication_id")),
          Map.entry("SUBSCRIBE", List.of("32", "request_id", "options", "topic")),
          Map.entry("SUBSCRIBED", List.of("33", "request_id", "subscription_id")),
          Map.entry("UNSUBSCRIBE", List.of("34", "request_id", "subscription_id")),
          Map.entry("UNSUBSCRIBED", List.of("35", "request_id", "[details]")),
          Map.entry(
              "EVENT",
              List.of(
                  "36",
                  "subscription|subscription_id",
                  "publication|publication_id",
                  "details",
                  "[args]",
                  "[kwargs]")),
          Map.entry("EVENT_RECEIVED", List.of("337", "publication_id")),
          Map.entry(
              "CALL", List.of("48", "request_id", "options", "procedure", "[args]", "[kwargs]")),
          Map.entry("CANCEL", List.of("49", "request_id", "options")),
          Map.entry("RESULT", List.of("50", "request_id", "details", "[args]", "[kwargs]")),
          Map.entry("REGISTER", List.of("64", "request_id", "options", "procedure")),
          Map.entry("REGISTERED", List.of("65", "request_id", "registration_id")),
          Map.entry("UNREGISTER", List.of("66", "request_id", "registration_id")),
          Map.entry("UNREGISTERED", List.of("67", "request_id", "[details]")),
          Map.entry(
              "INVOCATION",
              List.of("68", "request_id", "registration_id", "details", "[args]", "[kwargs]")),
          Map.entry("INTERRUPT", List.of("69", "request_id", "options")),
          Map.entry("YIELD", List.of("70", "request_id", "options", "[args]", "[kwargs]")));

  @TestFactory
  Stream<DynamicNode> singleMessageVectors() {
    List<Path> files = vectorFiles("singlemessage");
    // Guard against a vacuous pass: the suite has one file per message type and more.
    assertThat(files).as("single-message vector files").hasSizeGreaterThanOrEqualTo(25);
    return files.stream().map(this::singleMessageFile);
  }

  /**
   * The multisession files describe router behaviour (who receives what), which is the router's
   * business, not this module's. Here every message of every sequence is built from its named
   * attributes, encoded with each serializer, and must decode to a message with those attributes.
   */
  @TestFactory
  Stream<DynamicNode> multiSessionVectorsDecode() {
    List<Path> files = vectorFiles("multisession");
    assertThat(files).as("multisession vector files").isNotEmpty();
    return files.stream()
        .map(
            file -> {
              JsonNode root = read(file);
              List<DynamicNode> steps = new ArrayList<>();
              for (JsonNode step : root.get("sequence")) {
                JsonNode message = step.get("message");
                String type = message.get("type").asText();
                steps.add(
                    DynamicContainer.dynamicContainer(
                        "step " + step.get("step").asInt() + " " + type,
                        SERIALIZER_ORDER.stream()
                            .map(
                                id ->
                                    DynamicTest.dynamicTest(
                                        id,
                                        () ->
                                            checkMultiSessionMessage(
                                                SERIALIZERS.get(id), message)))));
              }
              return DynamicContainer.dynamicContainer(relative(file), steps);
            });
  }

  private DynamicNode singleMessageFile(Path file) {
    JsonNode root = read(file);
    int code = root.get("wamp_message_code").asInt();
    List<DynamicNode> samples = new ArrayList<>();
    int index = 0;
    for (JsonNode sample : root.get("samples")) {
      index++;
      String name = "sample " + index + ": " + sample.get("description").asText();
      String where = relative(file) + ", " + name;
      List<DynamicTest> tests = new ArrayList<>();
      if (sample.has("wmsg")) {
        for (String id : SERIALIZER_ORDER) {
          tests.add(
              DynamicTest.dynamicTest(
                  id, () -> checkValidationSample(SERIALIZERS.get(id), sample, where)));
        }
      } else {
        JsonNode serializers = sample.get("serializers");
        for (String id : SERIALIZER_ORDER) {
          if (serializers.has(id)) {
            tests.add(
                DynamicTest.dynamicTest(
                    id,
                    () ->
                        checkSerializationSample(
                            SERIALIZERS.get(id),
                            serializers.get(id),
                            code,
                            sample.get("expected_attributes"),
                            where)));
          }
        }
      }
      samples.add(DynamicContainer.dynamicContainer(name, tests));
    }
    return DynamicContainer.dynamicContainer(relative(file), samples);
  }

  // --- SerializationSample ---

  private static void checkSerializationSample(
      Serializer serializer,
      JsonNode representations,
      int fileCode,
      JsonNode expected,
      String where) {
    List<byte[]> listed = representations(representations);
    assertThat(listed).as("representations").isNotEmpty();
    List<String> listedHex = listed.stream().map(b -> HexFormat.of().formatHex(b)).toList();
    assertThat(expected.get("message_type").asInt()).isEqualTo(fileCode);

    for (byte[] bytes : listed) {
      String describe =
          where + ": " + serializer + " representation " + HexFormat.of().formatHex(bytes);
      WampMessage message = serializer.decode(bytes);
      checkAttributes(message, expected, describe);

      byte[] encoded = serializer.encode(message);
      assertThat(normalize(serializer.decodeList(encoded, 0, encoded.length)))
          .as("re-encoded wire list of %s", describe)
          .isEqualTo(normalize(serializer.decodeList(bytes, 0, bytes.length)));
      assertThat(HexFormat.of().formatHex(encoded))
          .as(
              "re-encoded bytes of %s must be one of the listed representations%s",
              describe,
              serializer == Serializer.JSON
                  ? " (as text: " + new String(encoded, StandardCharsets.UTF_8) + ")"
                  : "")
          .isIn(listedHex);
    }
  }

  /** Every listed form of every representation: {@code bytes}, {@code bytes_hex}, base64. */
  private static List<byte[]> representations(JsonNode representations) {
    List<byte[]> out = new ArrayList<>();
    for (JsonNode r : representations) {
      int forms = 0;
      if (r.has("bytes")) {
        out.add(r.get("bytes").asText().getBytes(StandardCharsets.UTF_8));
        forms++;
      }
      if (r.has("bytes_hex")) {
        out.add(HexFormat.of().parseHex(r.get("bytes_hex").asText()));
        forms++;
      }
      if (r.has("bytes_base64")) {
        out.add(Base64.getDecoder().decode(r.get("bytes_base64").asText()));
        forms++;
      }
      assertThat(forms).as("forms in representation %s", r).isPositive();
    }
    return out;
  }

  // --- ValidationSample ---

  private static void checkValidationSample(Serializer serializer, JsonNode sample, String where) {
    @SuppressWarnings("unchecked")
    List<Object> wmsg = MAPPER.convertValue(sample.get("wmsg"), List.class);
    byte[] bytes = serializer.encodeList(wmsg);
    JsonNode error = sample.get("expected_error");
    if (error != null) {
      assertThat(error.path("type").asText("protocol_violation"))
          .as("the only error type a codec can raise")
          .isEqualTo("protocol_violation");
      assertThatThrownBy(() -> serializer.decode(bytes))
          .as("%s: %s must reject %s", where, serializer, wmsg)
          .isInstanceOf(ProtocolViolationException.class)
          .hasMessageContaining(error.path("contains").asText(""));
    } else {
      assertThatCode(() -> serializer.decode(bytes))
          .as("%s: %s must accept %s", where, serializer, wmsg)
          .doesNotThrowAnyException();
      byte[] again = serializer.encode(serializer.decode(bytes));
      assertThat(normalize(serializer.decodeList(again, 0, again.length)))
          .as("%s: wire list after a round trip", where)
          .isEqualTo(normalize(wmsg));
    }
  }

  // --- multisession ---

  private static void checkMultiSessionMessage(Serializer serializer, JsonNode message) {
    String type = message.get("type").asText();
    List<Object> wire = wireList(type, message);
    byte[] bytes = serializer.encodeList(wire);
    WampMessage decoded = serializer.decode(bytes);

    Map<String, JsonNode> attributes = new LinkedHashMap<>();
    attributes.put("message_type", MAPPER.valueToTree(wire.getFirst()));
    message.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue()));
    attributes.remove("type");
    checkAttributes(decoded, MAPPER.valueToTree(attributes), type + " " + message);

    byte[] again = serializer.encode(decoded);
    assertThat(normalize(serializer.decodeList(again, 0, again.length))).isEqualTo(normalize(wire));
  }

  private static List<Object> wireList(String type, JsonNode message) {
    List<String> layout = LAYOUTS.get(type);
    assertThat(layout).as("layout of %s", type).isNotNull();
    List<Object> wire = new ArrayList<>();
    wire.add(Integer.parseInt(layout.getFirst()));
    List<Object> pending = new ArrayList<>();
    for (String slot : layout.subList(1, layout.size())) {
      boolean optional = slot.startsWith("[");
      String names = optional ? slot.substring(1, slot.length() - 1) : slot;
      JsonNode value = null;
      for (String name : names.split("\\|")) {
        if (message.hasNonNull(name)) {
          value = message.get(name);
        }
      }
      if (value == null) {
        if (!optional) {
          fail("%s needs %s, not in %s", type, names, message);
        }
        // An absent args before present kwargs is written as an empty list.
        pending.add(names.equals("args") ? List.of() : Map.of());
        continue;
      }
      wire.addAll(pending);
      pending.clear();
      wire.add(MAPPER.convertValue(value, Object.class));
    }
    return wire;
  }

  // --- expected attributes ---

  /**
   * Checks every expected attribute. {@code args}/{@code kwargs} {@code null} mean "empty"; a
   * {@code payload} (hex) is a transparent payload, kept by the codec as the only element of the
   * arguments.
   */
  private static void checkAttributes(WampMessage message, JsonNode expected, String describe) {
    assertThat(message.code())
        .as("message_type of %s", describe)
        .isEqualTo(expected.get("message_type").asInt());
    Map<String, Object> actual = attributes(message);

    JsonNode payload = expected.get("payload");
    boolean transparent = payload != null && !payload.isNull();
    var fields = expected.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      String name = e.getKey();
      Object want = MAPPER.convertValue(e.getValue(), Object.class);
      switch (name) {
        case "message_type", "payload" -> {}
        case "args" -> {
          if (transparent) {
            assertThat(want).as("args beside a transparent payload").isNull();
          } else {
            assertThat(normalize(actual.get("args")))
                .as("args of %s", describe)
                .isEqualTo(normalize(want == null ? List.of() : want));
          }
        }
        case "kwargs" ->
            assertThat(normalize(actual.get("kwargs")))
                .as("kwargs of %s", describe)
                .isEqualTo(normalize(want == null ? Map.of() : want));
        default -> {
          assertThat(actual)
              .as("%s has no attribute %s in this test's mapping", message.getClass(), name)
              .containsKey(name);
          assertThat(normalize(actual.get(name)))
              .as("%s of %s", name, describe)
              .isEqualTo(normalize(want));
        }
      }
    }
    if (transparent) {
      assertThat(message).isInstanceOf(WithPayload.class);
      WithPayload p = (WithPayload) message;
      assertThat(p.arguments()).as("transparent payload of %s", describe).hasSize(1);
      assertThat(p.arguments().getFirst()).isInstanceOf(byte[].class);
      assertThat(HexFormat.of().formatHex((byte[]) p.arguments().getFirst()))
          .as("transparent payload of %s", describe)
          .isEqualToIgnoringCase(payload.asText());
      assertThat(p.argumentsKw()).isEmpty();
    }
  }

  /** The attributes of a decoded message under the names the test vectors use. */
  private static Map<String, Object> attributes(WampMessage message) {
    return switch (message) {
      case Hello m ->
          attrs("realm", m.realm(), "details", m.details(), "roles", m.details().get("roles"));
      case Welcome m ->
          attrs(
              "session_id", m.session(), "details", m.details(), "roles", m.details().get("roles"));
      case Abort m ->
          attrs(
              "details",
              m.details(),
              "reason",
              m.reason(),
              "args",
              m.arguments(),
              "kwargs",
              m.argumentsKw());
      case Challenge m -> attrs("method", m.authMethod(), "extra", m.extra());
      case Authenticate m -> attrs("signature", m.signature(), "extra", m.extra());
      case Goodbye m -> attrs("details", m.details(), "reason", m.reason());
      case Error m ->
          attrs(
              "request_type",
              m.requestType(),
              "request_id",
              m.request(),
              "details",
              m.details(),
              "error",
              m.error(),
              "args",
              m.arguments(),
              "kwargs",
              m.argumentsKw());
      case Publish m ->
          attrs(
              "request_id",
              m.request(),
              "options",
              m.options(),
              "topic",
              m.topic(),
              "args",
              m.arguments(),
              "kwargs",
              m.argumentsKw());
      case Published m -> attrs("request_id", m.request(), "publication_id", m.publication());
      case Subscribe m ->
          attrs("request_id", m.request(), "options", m.options(), "topic", m.topic());
      case Subscribed m -> attrs("request_id", m.request(), "subscription_id", m.subscription());
      case Unsubscribe m -> attrs("request_id", m.request(), "subscription_id", m.subscription());
      case Unsubscribed m -> attrs("request_id", m.request(), "details", m.details());
      case Event m ->
          attrs(
              "subscription",
              m.subscription(),
              "subscription_id",
              m.subscription(),
              "publication",
              m.publication(),
              "publication_id",
              m.publication(),
              "details",
              m.details(),
              "args",
              m.arguments(),
              "kwargs",
              m.argumentsKw());
      case EventReceived m -> attrs("publication_id", m.publication());
      case Call m ->
          attrs(
              "request_id",
              m.request(),
              "options",
              m.options(),
              "procedure",
              m.procedure(),
              "args",
              m.arguments(),
              "kwargs",
              m.argumentsKw());
      case Cancel m -> attrs("request_id", m.request(), "options", m.options());
      case Result m ->
          attrs(
              "request_id",
              m.request(),
              "details",
              m.details(),
              "args",
              m.arguments(),
              "kwargs",
              m.argumentsKw());
      case Register m ->
          attrs("request_id", m.request(), "options", m.options(), "procedure", m.procedure());
      case Registered m -> attrs("request_id", m.request(), "registration_id", m.registration());
      case Unregister m -> attrs("request_id", m.request(), "registration_id", m.registration());
      case Unregistered m -> attrs("request_id", m.request(), "details", m.details());
      case Invocation m ->
          attrs(
              "request_id",
              m.request(),
              "registration_id",
              m.registration(),
              "details",
              m.details(),
              "args",
              m.arguments(),
              "kwargs",
              m.argumentsKw());
      case Interrupt m -> attrs("request_id", m.request(), "options", m.options());
      case Yield m ->
          attrs(
              "request_id",
              m.request(),
              "options",
              m.options(),
              "args",
              m.arguments(),
              "kwargs",
              m.argumentsKw());
    };
  }

  private static Map<String, Object> attrs(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  // --- files ---

  private static Path suiteDir() {
    String dir = System.getProperty("wamp.testsuite.dir");
    assertThat(dir).as("system property wamp.testsuite.dir (set by surefire)").isNotNull();
    Path path = Path.of(dir).toAbsolutePath().normalize();
    assertThat(path.resolve("SCHEMA.json")).as("the wamp-proto test suite at %s", path).exists();
    return path;
  }

  private static List<Path> vectorFiles(String kind) {
    try (Stream<Path> walk = Files.walk(suiteDir().resolve(kind))) {
      return walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String relative(Path file) {
    return suiteDir().relativize(file).toString();
  }

  private static JsonNode read(Path file) {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
