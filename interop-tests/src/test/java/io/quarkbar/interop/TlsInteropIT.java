package io.quarkbar.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkbar.testing.processes.RandomSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * WAMP over {@code wss://}: the packaged router serves TLS through the Quarkus TLS registry
 * (src/test/resources/tls.yaml) with a self-signed certificate made for this run by the JDK's
 * keytool, and real clients join over it when they trust that certificate, and fail when they do
 * not.
 */
class TlsInteropIT {

  private static final Path LOG_DIR =
      Path.of(System.getProperty("interop.log.dir", "target/interop-logs"));
  private static final Path TLS_DIR =
      Path.of(System.getProperty("interop.tls.dir", "target/interop-tls"));

  private static RouterProcess router;
  private static Path certificate;
  private static String ticket;

  @RegisterExtension
  final TestWatcher routerLogOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (router != null) {
            System.out.printf(
                "--- router log (tail) after %s failed ---%n%s%n",
                context.getDisplayName(), router.logTail(60));
          }
        }
      };

  @BeforeAll
  static void startRouter() throws Exception {
    // A fresh directory: no key store of an earlier run is ever reused.
    deleteRecursively(TLS_DIR);
    Files.createDirectories(TLS_DIR);
    Path keyStore = TLS_DIR.resolve("router.p12").toAbsolutePath();
    certificate = TLS_DIR.resolve("router-cert.pem").toAbsolutePath();
    String password = RandomSecrets.token();
    ticket = RandomSecrets.token();
    keytool(
        password,
        "-genkeypair",
        "-alias",
        "router",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keyStore.toString());
    keytool(
        password,
        "-exportcert",
        "-rfc",
        "-alias",
        "router",
        "-keystore",
        keyStore.toString(),
        "-file",
        certificate.toString());

    Path runJar =
        Path.of(
            System.getProperty(
                "interop.router.jar", "../router-service/target/quarkus-app/quarkus-run.jar"));
    router =
        RouterProcess.builder(
                runJar, AuthInteropIT.resource("/tls.yaml"), LOG_DIR.resolve("router-tls.log"))
            .tls()
            .systemProperty("quarkus.tls.router.key-store.p12.path", keyStore.toString())
            .env(Map.of("INTEROP_TLS_KEYSTORE_PASSWORD", password, "INTEROP_TICKET", ticket))
            .start();
  }

  @AfterAll
  static void stopRouter() throws InterruptedException {
    if (router != null) {
      router.close();
    }
  }

  /** One process: a join with the certificate trusted (an ssl context), one without. */
  @Test
  void autobahnPythonJoinsOnlyWhenItTrustsTheCertificate() throws Exception {
    run(
        Peer.AUTOBAHN_PYTHON,
        "tls",
        Map.of("INTEROP_TICKET", ticket, "INTEROP_TLS_CA", certificate.toString()),
        Set.of(),
        "autobahn-python-tls.log");
  }

  @Test
  void autobahnJsJoinsWithTheCertificateInNodeExtraCaCerts() throws Exception {
    run(
        Peer.AUTOBAHN_JS,
        "tls-trusted",
        Map.of("INTEROP_TICKET", ticket, "NODE_EXTRA_CA_CERTS", certificate.toString()),
        Set.of(),
        "autobahn-js-tls-trusted.log");
  }

  @Test
  void autobahnJsFailsWithoutTrustingTheCertificate() throws Exception {
    run(
        Peer.AUTOBAHN_JS,
        "tls-untrusted",
        Map.of("INTEROP_TICKET", ticket),
        Set.of("NODE_EXTRA_CA_CERTS"),
        "autobahn-js-tls-untrusted.log");
  }

  /**
   * The router's keep-alive pings travel through TLS like any frame: a quiet client (the JDK's,
   * which answers pings on its own) is pinged a few times over three seconds and is still connected
   * and understood afterwards.
   */
  @Test
  void aQuietClientIsPingedOverTlsAndStaysConnected() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream pem = Files.newInputStream(certificate)) {
      trust.setCertificateEntry(
          "router", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trustManagers.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(tls).build();

    JdkWampSession quiet = JdkWampSession.join(http, router.secureWebSocketUrl(), "open");
    Thread.sleep(3_500);

    assertThat(quiet.pingsReceived())
        .as("pings in 3.5 s of silence, one a second or so")
        .isBetween(2L, 4L);
    quiet.subscribe("com.example.after_pings");
  }

  private static void run(
      Peer peer, String suite, Map<String, String> env, Set<String> unset, String log)
      throws Exception {
    List<String> command =
        Stream.concat(
                peer.authCommand().stream(), Stream.of(suite, router.secureWebSocketUrl(), "json"))
            .toList();
    PeerProcess.run(command, env, unset, LOG_DIR.resolve(log));
  }

  /** The keytool of the JDK running the tests; the store password goes through its environment. */
  private static void keytool(String storePassword, String... args)
      throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command =
        Stream.concat(
                Stream.of(keytool.toString()),
                Stream.concat(
                    Stream.of(args), Stream.of("-storepass:env", "INTEROP_TLS_KEYSTORE_PASSWORD")))
            .toList();
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("INTEROP_TLS_KEYSTORE_PASSWORD", storePassword);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed:\n" + output);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
