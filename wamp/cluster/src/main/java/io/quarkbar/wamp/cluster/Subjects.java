package io.quarkbar.wamp.cluster;

import io.quarkbar.wamp.router.config.MatchPolicy;
import java.nio.charset.StandardCharsets;

/**
 * The NATS subjects of one cluster. A WAMP URI becomes subject tokens one component each, escaped
 * so that no URI can turn into a NATS wildcard or split into more tokens: every byte of a
 * component's UTF-8 form outside {@code [A-Za-z0-9_-]} is written {@code =HH} (its hex value), the
 * escape character {@code =} included. Strict URIs pass unchanged; {@code *}, {@code >}, non-ASCII
 * and the like, legal in loose URIs, stay literal.
 *
 * <p>Layout, under {@code qb.<cluster>}: events on {@code e.<realm>.<topic tokens>}. The node's
 * name is for the subjects to come (its inbox for calls).
 */
public final class Subjects {

  /** Subjects longer than this are refused (NATS's control line holds 4 KiB, reply included). */
  public static final int MAX_SUBJECT_LENGTH = 1024;

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String root;

  /**
   * @param cluster the cluster's name: {@code [A-Za-z0-9_-]+}, the same on every node
   * @param node this node's name: {@code [A-Za-z0-9_-]+}, unique in the cluster
   */
  public Subjects(String cluster, String node) {
    this.root = "qb." + checkName("cluster name", cluster);
    checkName("node name", node);
  }

  /** Checks that {@code name} is one plain subject token; returns it. */
  static String checkName(String what, String name) {
    if (name == null || name.isEmpty() || !isPlain(name)) {
      throw new IllegalArgumentException(
          "the " + what + " must be letters, digits, '_' and '-' only, not \"" + name + "\"");
    }
    return name;
  }

  /** Where node {@code node} receives the calls forwarded to its callees, and interrupts. */
  String inbox(String node) {
    return root + ".n." + node + ".in";
  }

  /** Where the answers to the calls node {@code node} forwarded arrive, one subject per call. */
  String replies(String node) {
    return root + ".n." + node + ".r.*";
  }

  /** Where the answers to call {@code callId} of node {@code node} go. */
  String reply(String node, long callId) {
    return root + ".n." + node + ".r." + callId;
  }

  /**
   * The node whose inbox or reply subjects {@code subject} is one of ({@link #inbox}, {@link
   * #reply}), or null for other subjects.
   */
  String nodeOf(String subject) {
    String prefix = root + ".n.";
    if (!subject.startsWith(prefix)) {
      return null;
    }
    int end = subject.indexOf('.', prefix.length());
    return end < 0 ? null : subject.substring(prefix.length(), end);
  }

  /**
   * Whether {@code subject} is one of those {@code pattern} subscribes to, where the pattern may
   * end with the wildcard of one token ({@code .*}), as {@link #replies} does.
   */
  static boolean matches(String pattern, String subject) {
    if (!pattern.endsWith(".*")) {
      return pattern.equals(subject);
    }
    int stem = pattern.length() - 1;
    return subject.length() > stem
        && subject.regionMatches(0, pattern, 0, stem)
        && subject.indexOf('.', stem) < 0;
  }

  /** Where node {@code node} is asked to end one of its sessions ({@code wamp.session.kill}). */
  String kills(String node) {
    return root + ".n." + node + ".kill";
  }

  /** Where every node says, every heartbeat, that it is alive. */
  String heartbeats() {
    return root + ".hb";
  }

  /** The subject a publication to {@code topic} in {@code realm} goes to. */
  public String event(String realm, String topic) {
    StringBuilder s = new StringBuilder(root.length() + topic.length() + realm.length() + 8);
    s.append(root).append(".e.");
    escape(realm, s);
    for (String component : topic.split("\\.", -1)) {
      s.append('.');
      escape(component, s);
    }
    return checkLength(s);
  }

  /**
   * The subject that covers every publication a subscription to {@code uri} under {@code match}
   * receives. Exact and wildcard map one to one ({@code a..c} is {@code a.*.c}). A WAMP prefix is a
   * prefix of bytes, which NATS cannot express: {@code a.b.cx} covers {@code a.b.cx}, {@code
   * a.b.cxyz} and {@code a.b.cx.d}, so it becomes {@code a.b.>}, every topic under its complete
   * components, and the node matches each event again against its own subscriptions.
   */
  public String interest(String realm, String uri, MatchPolicy match) {
    StringBuilder s = new StringBuilder(root.length() + uri.length() + realm.length() + 8);
    s.append(root).append(".e.");
    escape(realm, s);
    String[] components = uri.split("\\.", -1);
    int full = match == MatchPolicy.PREFIX ? components.length - 1 : components.length;
    for (int i = 0; i < full; i++) {
      s.append('.');
      if (components[i].isEmpty() && match != MatchPolicy.EXACT) {
        s.append('*');
      } else {
        escape(components[i], s);
      }
    }
    if (match == MatchPolicy.PREFIX) {
      s.append(".>");
    }
    return checkLength(s);
  }

  /** Appends one URI component as one subject token. */
  static void escape(String component, StringBuilder out) {
    if (component.isEmpty()) {
      // Not a valid topic component; "=" alone is no escape sequence, so it stays distinct.
      out.append('=');
      return;
    }
    if (isPlain(component)) {
      out.append(component);
      return;
    }
    for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (isPlain(c)) {
        out.append((char) c);
      } else {
        out.append('=').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
  }

  private static boolean isPlain(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isPlain(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPlain(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-';
  }

  private static String checkLength(StringBuilder s) {
    if (s.length() > MAX_SUBJECT_LENGTH) {
      throw new IllegalArgumentException(
          "the URI is too long for the cluster: its NATS subject would take "
              + s.length()
              + " characters, more than "
              + MAX_SUBJECT_LENGTH);
    }
    return s.toString();
  }
}
