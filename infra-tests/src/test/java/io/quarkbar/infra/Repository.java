package io.quarkbar.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The repository the deployment files live in, and what the checks read from it. The root comes
 * from the build ({@code infra.root}); the files are read fresh by each test.
 */
final class Repository {

  /** The applications the platform deploys: each is a module, an image and a service. */
  static final List<String> APPS =
      List.of("router-service", "auth-service", "forum-service", "web-ui");

  /** The router, which the other applications and the browser connect to. */
  static final String ROUTER = "router-service";

  static final Path ROOT =
      Path.of(System.getProperty("infra.root", "..")).toAbsolutePath().normalize();

  static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");

  /** The override that runs the router as three nodes over NATS: {@code -f} after the base. */
  static final Path COMPOSE_CLUSTER_FILE = ROOT.resolve("docker-compose.cluster.yml");

  static final Path ENV_EXAMPLE = ROOT.resolve(".env.example");
  static final Path INIT_SCRIPT = ROOT.resolve("infra/postgres/init-databases.sh");
  static final Path K8S_BASE = ROOT.resolve("infra/k8s/base");
  static final Path K8S_CLUSTER = ROOT.resolve("infra/k8s/cluster");

  private Repository() {}

  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  static ComposeFile compose() {
    return ComposeFile.parse(COMPOSE_FILE);
  }

  /** docker-compose.yml with docker-compose.cluster.yml merged into it. */
  static ComposeFile composeCluster() {
    return ComposeFile.parse(List.of(COMPOSE_FILE, COMPOSE_CLUSTER_FILE));
  }

  static InitScript initScript() {
    return InitScript.read(INIT_SCRIPT);
  }

  static DockerIgnore dockerIgnore() {
    return DockerIgnore.read(ROOT.resolve(".dockerignore"));
  }

  /** .env.example: its variables in order, with their (placeholder) values. */
  static Map<String, String> envExample() {
    Map<String, String> variables = new LinkedHashMap<>();
    for (String line : lines(ENV_EXAMPLE)) {
      String text = line.strip();
      if (!text.isEmpty() && !text.startsWith("#")) {
        String[] pair = text.split("=", 2);
        variables.put(pair[0].strip(), pair.length == 2 ? pair[1].strip() : "");
      }
    }
    return variables;
  }

  /** The modules of the root pom.xml, as paths relative to the root. */
  static List<String> modules() {
    NodeList modules = rootPom().getElementsByTagName("module");
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < modules.getLength(); i++) {
      paths.add(modules.item(i).getTextContent().strip());
    }
    return paths;
  }

  /** The tag the images get: the project's version without {@code -SNAPSHOT}. */
  static String imageTag() {
    NodeList children = rootPom().getDocumentElement().getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i).getNodeName().equals("version")) {
        return children.item(i).getTextContent().strip().replaceFirst("-SNAPSHOT$", "");
      }
    }
    throw new IllegalStateException("the root pom.xml has no <version>");
  }

  private static Document rootPom() {
    try {
      return DocumentBuilderFactory.newInstance()
          .newDocumentBuilder()
          .parse(ROOT.resolve("pom.xml").toFile());
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("cannot read the root pom.xml", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The image name docker-compose.yml builds for {@code app} and Kubernetes runs. */
  static String image(String app) {
    return "quarkbar/" + app + ":" + imageTag();
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
