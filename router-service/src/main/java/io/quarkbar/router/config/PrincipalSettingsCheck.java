package io.quarkbar.router.config;

import io.quarkbar.wamp.router.config.AuthMethod;
import io.quarkbar.wamp.router.config.Principal;
import io.quarkbar.wamp.router.config.Principal.CraSalt;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns one configured principal into the router's {@link Principal}, naming every key that does
 * not belong to its method or does not hold what the method needs.
 */
final class PrincipalSettingsCheck {

  private PrincipalSettingsCheck() {}

  static Principal principal(
      String at,
      AuthMethod method,
      RouterServiceConfig.PrincipalSettings p,
      List<String> problems) {
    return switch (method) {
      case TICKET -> ticket(at, p, problems);
      case WAMPCRA -> wampcra(at, p, problems);
      case CRYPTOSIGN -> cryptosign(at, p, problems);
      case ANONYMOUS -> throw new IllegalArgumentException("anonymous has no principals");
    };
  }

  private static Principal ticket(
      String at, RouterServiceConfig.PrincipalSettings p, List<String> problems) {
    notFor(at, "ticket", p.secret(), "secret", problems);
    notFor(at, "ticket", p.salt(), "salt", problems);
    notFor(at, "ticket", p.pubkey(), "pubkey", problems);
    if (p.ticket().isPresent() && p.ticketSha256().isPresent()) {
      problems.add(at + ": give ticket or ticket-sha256, not both");
      return new Principal(p.role(), "-");
    }
    if (p.ticket().isEmpty() && p.ticketSha256().isEmpty()) {
      problems.add(at + ".ticket: required (an empty value counts as none: is its variable set?)");
      return new Principal(p.role(), "-");
    }
    if (p.ticket().isPresent()) {
      return new Principal(p.role(), p.ticket().get());
    }
    String hash = p.ticketSha256().get().toLowerCase(Locale.ROOT);
    if (!isHex(hash, 64)) {
      problems.add(at + ".ticket-sha256: must be a SHA-256 in hex (64 hex digits)");
    }
    return new Principal(p.role(), "sha256:" + hash);
  }

  private static Principal wampcra(
      String at, RouterServiceConfig.PrincipalSettings p, List<String> problems) {
    notFor(at, "wampcra", p.ticket(), "ticket", problems);
    notFor(at, "wampcra", p.ticketSha256(), "ticket-sha256", problems);
    notFor(at, "wampcra", p.pubkey(), "pubkey", problems);
    String secret = p.secret().orElse("");
    if (secret.isEmpty()) {
      problems.add(
          at
              + ".secret: required for wampcra"
              + (p.secret().isPresent() ? " (is its environment variable set?)" : ""));
    }
    Optional<CraSalt> salt = Optional.empty();
    if (p.salt().isPresent()) {
      if (p.iterations() < 1) {
        problems.add(at + ".iterations: must be a positive number");
      }
      if (p.keylen() < 1) {
        problems.add(at + ".keylen: must be a positive number of bytes");
      }
      salt = Optional.of(new CraSalt(p.salt().get(), p.iterations(), p.keylen()));
    }
    return new Principal(p.role(), secret.isEmpty() ? "-" : secret, salt);
  }

  private static Principal cryptosign(
      String at, RouterServiceConfig.PrincipalSettings p, List<String> problems) {
    notFor(at, "cryptosign", p.ticket(), "ticket", problems);
    notFor(at, "cryptosign", p.ticketSha256(), "ticket-sha256", problems);
    notFor(at, "cryptosign", p.secret(), "secret", problems);
    notFor(at, "cryptosign", p.salt(), "salt", problems);
    String key = p.pubkey().orElse("").toLowerCase(Locale.ROOT);
    if (!isEd25519(key)) {
      problems.add(at + ".pubkey: must be an Ed25519 public key in hex (64 hex digits)");
    }
    return new Principal(p.role(), key);
  }

  private static void notFor(
      String at, String method, Optional<String> value, String key, List<String> problems) {
    if (value.isPresent()) {
      problems.add(at + "." + key + ": does not apply to " + method);
    }
  }

  private static boolean isHex(String s, int digits) {
    return s.length() == digits && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  private static boolean isEd25519(String hex) {
    if (!isHex(hex, 64)) {
      return false;
    }
    byte[] der = HexFormat.of().parseHex("302a300506032b6570032100" + hex);
    try {
      KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }
}
