package io.quarkbar.infra;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks that docker-compose.yml (alone or with docker-compose.cluster.yml) and the Kustomize
 * base and overlay must all pass, written once: each application gets every variable it needs and
 * none it ignores, and the applications find each other: the services a router node (at its port
 * and WebSocket path) with the WAMP-CRA secret that node expects of them, the browser a router node
 * from web-ui's page, and the services their databases with the user and password the init script
 * creates.
 */
final class PlatformChecks {

  /** Variables of the postgres image itself (the init script's are checked separately). */
  static final Set<String> POSTGRES_IMAGE_VARIABLES =
      Set.of("POSTGRES_PASSWORD", "POSTGRES_USER", "POSTGRES_DB", "PGDATA");

  private static final Pattern SECRET_REFERENCE = Pattern.compile("<(\\.env|secret) [^>]+>");

  private PlatformChecks() {}

  /** Whether {@code value} comes whole from the deployment's secrets (.env or a Secret). */
  static boolean isSecretReference(String value) {
    return value != null && SECRET_REFERENCE.matcher(value).matches();
  }

  /** Every variable the deployment sets is read; every one the application needs is set. */
  static void checkEnvironment(Deployed deployed, Problems problems) {
    for (String variable : deployed.deploymentEnv().keySet()) {
      problems.check(
          deployed.config().reads(variable),
          "%s sets %s, which %s does not read (it reads %s, and each key of its configuration as"
              + " an environment variable)",
          deployed.where(),
          variable,
          deployed.app(),
          deployed.config().referencedVariables());
    }
    for (String variable : deployed.config().requiredVariables()) {
      problems.check(
          deployed.environment().containsKey(variable),
          "%s does not set %s, which %s needs to start (its configuration names it without a"
              + " default)",
          deployed.where(),
          variable,
          deployed.app());
    }
    for (var entry : deployed.deploymentEnv().entrySet()) {
      if (entry.getKey().matches(".*(SECRET|PASSWORD).*")) {
        problems.check(
            isSecretReference(entry.getValue()),
            "%s sets %s to a value written in the file; take it from the secrets (%s)",
            deployed.where(),
            entry.getKey(),
            deployed.where().startsWith("compose") ? "${VAR} of .env" : "a secretKeyRef");
      }
    }
  }

  /**
   * The applications reach the router, the databases and each other as configured. {@code apps}
   * holds every instance: with several router nodes, a client may join any of them, and is checked
   * against the node it reaches.
   */
  static void checkWiring(
      List<Deployed> apps,
      Network network,
      String postgresWhere,
      Map<String, String> postgresEnv,
      InitScript init,
      Problems problems) {
    List<Deployed> routers = apps.stream().filter(d -> d.app().equals(Repository.ROUTER)).toList();
    if (routers.isEmpty()) {
      problems.add("no workload runs %s", Repository.ROUTER);
      return;
    }
    for (Deployed deployed : apps) {
      if (!deployed.app().equals(Repository.ROUTER)) {
        deployed
            .resolve("quarkbar.wamp.url")
            .ifPresent(url -> checkServiceJoin(deployed, url, routers, network, problems));
        deployed
            .resolve("web.router-url")
            .ifPresent(url -> checkPage(deployed, url, routers, network, problems));
      }
      if (deployed.resolve("quarkus.datasource.db-kind").isPresent()) {
        checkDatabase(deployed, network, postgresEnv, init, problems);
      }
    }
    checkPostgres(postgresWhere, postgresEnv, init, problems);
  }

  /** The router node {@code endpoint} leads to, at its HTTP port and WebSocket path. */
  private static Optional<Deployed> routerAt(
      Optional<Network.Endpoint> endpoint, String path, List<Deployed> routers) {
    return routers.stream()
        .filter(
            r ->
                endpoint.equals(Optional.of(new Network.Endpoint(r.workload(), r.httpPort())))
                    && r.resolve("router.websocket.path").orElse("/ws").equals(path))
        .findFirst();
  }

  /** How messages say where the routers listen: {@code router-service:8080/ws, ...}. */
  private static String routerAddresses(List<Deployed> routers) {
    return String.join(
        ", ",
        routers.stream()
            .map(
                r ->
                    r.workload()
                        + ":"
                        + r.httpPort()
                        + r.resolve("router.websocket.path").orElse("/ws"))
            .toList());
  }

  private static void checkServiceJoin(
      Deployed service, String url, List<Deployed> routers, Network network, Problems problems) {
    URI uri = URI.create(url);
    Optional<Network.Endpoint> endpoint = network.inside(uri.getHost(), port(uri));
    Optional<Deployed> reached = routerAt(endpoint, uri.getPath(), routers);
    if (reached.isEmpty()) {
      problems.add(
          "%s: quarkbar.wamp.url is %s, which reaches %s; the router listens at %s",
          service.where(),
          url,
          endpoint.map(Object::toString).orElse("nothing"),
          routerAddresses(routers));
      return;
    }
    Deployed router = reached.get();

    if (!service.resolve("quarkbar.wamp.auth.method").orElse("anonymous").equals("wampcra")) {
      return;
    }
    String authid = service.resolve("quarkbar.wamp.auth.authid").orElse("?");
    String realm = service.resolve("quarkbar.wamp.realm").orElse("realm1");
    String principal = "router.realms." + realm + ".auth.wampcra.principals." + authid + ".secret";
    Optional<String> expected = router.resolve(principal);
    Optional<String> actual = service.resolve("quarkbar.wamp.auth.secret");
    problems.check(
        expected.isPresent() && isSecretReference(expected.get()) && expected.equals(actual),
        "%s joins realm %s as %s by WAMP-CRA with the secret %s; %s expects %s (%s)",
        service.where(),
        realm,
        authid,
        actual.orElse("(none)"),
        router.where(),
        expected.orElse("(none)"),
        principal);
  }

  private static void checkPage(
      Deployed page, String url, List<Deployed> routers, Network network, Problems problems) {
    URI uri = URI.create(url);
    Optional<Network.Endpoint> endpoint =
        "localhost".equals(uri.getHost()) ? network.fromBrowser(port(uri)) : Optional.empty();
    Optional<Deployed> reached = routerAt(endpoint, uri.getPath(), routers);
    if (reached.isEmpty()) {
      problems.add(
          "%s: web.router-url is %s, where the browser reaches %s; the router is at %s",
          page.where(),
          url,
          endpoint.map(Object::toString).orElse("nothing"),
          String.join(
              ", ",
              routers.stream()
                  .map(
                      r ->
                          "ws://localhost:"
                              + network
                                  .browserPort(r.workload())
                                  .map(String::valueOf)
                                  .orElse("(not published)")
                              + r.resolve("router.websocket.path").orElse("/ws"))
                  .toList()));
      return;
    }
    Deployed router = reached.get();

    String origin =
        "http://localhost:" + network.browserPort(page.workload()).map(String::valueOf).orElse("?");
    List<String> allowed =
        List.of(router.resolve("router.websocket.allowed-origins").orElse("").split("\\s*,\\s*"));
    problems.check(
        allowed.contains(origin) || allowed.contains("*"),
        "%s: the page's origin %s is not in router.websocket.allowed-origins (%s) of %s; the"
            + " router would refuse its WebSocket",
        page.where(),
        origin,
        allowed,
        router.where());

    String realm = page.resolve("web.realm").orElse("?");
    problems.check(
        router.resolve("router.realms." + realm + ".anonymous-role").isPresent(),
        "%s: the page joins realm %s anonymously, but %s has no realm %s with an anonymous-role",
        page.where(),
        realm,
        router.where(),
        realm);
  }

  private static void checkDatabase(
      Deployed service,
      Network network,
      Map<String, String> postgresEnv,
      InitScript init,
      Problems problems) {
    String url = service.resolve("quarkus.datasource.jdbc.url").orElse("");
    if (!url.startsWith("jdbc:postgresql://")) {
      problems.add(
          "%s: quarkus.datasource.jdbc.url is '%s', not a PostgreSQL URL", service.where(), url);
      return;
    }
    URI uri = URI.create(url.substring("jdbc:".length()));
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    Optional<Network.Endpoint> endpoint = network.inside(uri.getHost(), port);
    problems.check(
        endpoint.equals(Optional.of(new Network.Endpoint("postgres", 5432))),
        "%s: the database URL %s reaches %s, not postgres:5432",
        service.where(),
        url,
        endpoint.map(Object::toString).orElse("nothing"));

    String database = uri.getPath().replaceFirst("^/", "");
    String passwordVariable = init.passwordVariables().get(database);
    if (passwordVariable == null) {
      problems.add(
          "%s uses the database %s, which %s does not create (it creates %s)",
          service.where(),
          database,
          Repository.ROOT.relativize(init.file()),
          init.passwordVariables().keySet());
      return;
    }
    String user = service.resolve("quarkus.datasource.username").orElse("(none)");
    problems.check(
        user.equals(database),
        "%s connects to %s as %s; the init script creates the user %s for it",
        service.where(),
        database,
        user,
        database);
    Optional<String> password = service.resolve("quarkus.datasource.password");
    String expected = postgresEnv.get(passwordVariable);
    problems.check(
        password.isPresent()
            && isSecretReference(password.get())
            && password.get().equals(expected),
        "%s: the password of database user %s is %s, but postgres creates that user with %s (%s)",
        service.where(),
        database,
        password.orElse("(none)"),
        expected,
        passwordVariable);
  }

  private static void checkPostgres(
      String where, Map<String, String> env, InitScript init, Problems problems) {
    problems.check(
        isSecretReference(env.get("POSTGRES_PASSWORD")),
        "%s: POSTGRES_PASSWORD must come from the secrets, it is %s",
        where,
        env.get("POSTGRES_PASSWORD"));
    for (String variable : init.passwordVariables().values()) {
      problems.check(
          isSecretReference(env.get(variable)),
          "%s: the init script reads %s, which must come from the secrets; it is %s",
          where,
          variable,
          env.get(variable));
    }
    for (String variable : env.keySet()) {
      problems.check(
          POSTGRES_IMAGE_VARIABLES.contains(variable)
              || init.passwordVariables().containsValue(variable),
          "%s sets %s, which neither the postgres image nor the init script reads",
          where,
          variable);
    }
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return uri.getScheme().equals("wss") || uri.getScheme().equals("https") ? 443 : 80;
  }
}
