package io.quarkbar.wamp.protocol.codec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the type (and, for enumerations, the value) of the Options and Details keys that the
 * specification defines, whatever the message they come in. Unknown keys are ignored, as the
 * specification asks. A wrong type is a protocol violation that names the key.
 */
final class OptionsValidator {

  private enum Kind {
    BOOL,
    STRING,
    ID,
    NON_NEGATIVE_INTEGER,
    ID_LIST,
    STRING_LIST,
    DICT_LIST
  }

  private record Rule(Kind kind, Set<String> values) {
    Rule(Kind kind) {
      this(kind, Set.of());
    }
  }

  private static final Map<String, Rule> RULES =
      Map.ofEntries(
          Map.entry("acknowledge", new Rule(Kind.BOOL)),
          Map.entry("exclude_me", new Rule(Kind.BOOL)),
          Map.entry("disclose_me", new Rule(Kind.BOOL)),
          Map.entry("disclose_caller", new Rule(Kind.BOOL)),
          Map.entry("retain", new Rule(Kind.BOOL)),
          Map.entry("get_retained", new Rule(Kind.BOOL)),
          Map.entry("retained", new Rule(Kind.BOOL)),
          Map.entry("receive_progress", new Rule(Kind.BOOL)),
          Map.entry("progress", new Rule(Kind.BOOL)),
          Map.entry("x_acknowledged_delivery", new Rule(Kind.BOOL)),
          Map.entry("exclude", new Rule(Kind.ID_LIST)),
          Map.entry("eligible", new Rule(Kind.ID_LIST)),
          Map.entry("exclude_authid", new Rule(Kind.STRING_LIST)),
          Map.entry("exclude_authrole", new Rule(Kind.STRING_LIST)),
          Map.entry("eligible_authid", new Rule(Kind.STRING_LIST)),
          Map.entry("eligible_authrole", new Rule(Kind.STRING_LIST)),
          Map.entry("forward_for", new Rule(Kind.DICT_LIST)),
          Map.entry("publisher", new Rule(Kind.ID)),
          Map.entry("caller", new Rule(Kind.ID)),
          Map.entry("timeout", new Rule(Kind.NON_NEGATIVE_INTEGER)),
          Map.entry("publisher_authid", new Rule(Kind.STRING)),
          Map.entry("publisher_authrole", new Rule(Kind.STRING)),
          Map.entry("caller_authid", new Rule(Kind.STRING)),
          Map.entry("caller_authrole", new Rule(Kind.STRING)),
          Map.entry("topic", new Rule(Kind.STRING)),
          Map.entry("procedure", new Rule(Kind.STRING)),
          Map.entry("transaction_hash", new Rule(Kind.STRING)),
          Map.entry("match", new Rule(Kind.STRING, Set.of("exact", "prefix", "wildcard"))),
          Map.entry(
              "invoke",
              new Rule(Kind.STRING, Set.of("single", "roundrobin", "random", "first", "last"))),
          Map.entry("mode", new Rule(Kind.STRING, Set.of("skip", "kill", "killnowait"))),
          Map.entry("enc_algo", new Rule(Kind.STRING, Set.of("cryptobox", "mqtt", "xbr"))),
          Map.entry(
              "enc_serializer",
              new Rule(Kind.STRING, Set.of("json", "msgpack", "cbor", "ubjson", "flatbuffers"))));

  private OptionsValidator() {}

  static void validate(String dictName, Map<String, Object> dict) {
    if (dict.isEmpty()) {
      return;
    }
    for (Map.Entry<String, Object> e : dict.entrySet()) {
      Rule rule = RULES.get(e.getKey());
      if (rule != null && !accepts(rule, e.getValue())) {
        throw new ProtocolViolationException(
            dictName
                + "."
                + e.getKey()
                + (typeMatches(rule.kind, e.getValue())
                    ? " must be one of " + rule.values + ", got " + e.getValue()
                    : " has the wrong type: " + Fields.kind(e.getValue())));
      }
    }
  }

  private static boolean accepts(Rule rule, Object v) {
    return typeMatches(rule.kind, v) && (rule.values.isEmpty() || rule.values.contains(v));
  }

  private static boolean typeMatches(Kind kind, Object v) {
    return switch (kind) {
      case BOOL -> v instanceof Boolean;
      case STRING -> v instanceof String;
      case ID -> isId(v);
      case NON_NEGATIVE_INTEGER -> Fields.isIntegral(v) && Fields.asLong(v) >= 0;
      case ID_LIST -> v instanceof List<?> l && l.stream().allMatch(OptionsValidator::isId);
      case STRING_LIST -> v instanceof List<?> l && l.stream().allMatch(String.class::isInstance);
      case DICT_LIST -> v instanceof List<?> l && l.stream().allMatch(Map.class::isInstance);
    };
  }

  private static boolean isId(Object v) {
    return Fields.isIntegral(v) && Fields.asLong(v) >= 0 && Fields.asLong(v) <= MessageCodec.MAX_ID;
  }
}
