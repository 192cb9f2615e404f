package io.quarkbar.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ComposeMerge} merges as {@code docker compose -f a -f b} does, for what the repository's
 * files use: the examples of the Compose specification's merge rules, and an override in the style
 * of docker-compose.cluster.yml.
 */
class ComposeMergeTest {

  @TempDir Path dir;

  @Test
  void mappingsMergeKeyByKeyAndScalarsAreReplaced() throws IOException {
    ComposeFile compose =
        parse(
            """
            services:
              web:
                image: web:1
                mem_limit: 256m
                environment:
                  A: "1"
                  B: "2"
            """,
            """
            services:
              web:
                mem_limit: 512m
                environment:
                  - B=20
                  - C=30
              other:
                image: other:1
            """);
    ComposeFile.Service web = compose.services().get("web");
    assertThat(web.image()).contains("web:1");
    assertThat(web.memoryLimit()).contains(512L << 20);
    assertThat(web.environment())
        .containsExactly(Map.entry("A", "1"), Map.entry("B", "20"), Map.entry("C", "30"));
    assertThat(compose.services()).containsOnlyKeys("web", "other");
  }

  @Test
  void commandAndHealthcheckTestAreReplacedOtherSequencesAppended() throws IOException {
    ComposeFile compose =
        parse(
            """
            services:
              web:
                command: ["echo", "foo"]
                healthcheck:
                  test: ["CMD", "true"]
                  interval: 5s
                networks: [default]
                depends_on: [db]
            """,
            """
            services:
              web:
                command: ["echo", "bar"]
                healthcheck:
                  test: ["CMD", "false"]
                networks:
                  cluster: {}
                depends_on:
                  nats:
                    condition: service_healthy
            """);
    ComposeFile.Service web = compose.services().get("web");
    assertThat(web.command()).containsExactly("echo", "bar");
    assertThat(web.healthcheck()).containsExactly("CMD", "false");
    assertThat(web.networks()).containsExactly("default", "cluster");
    assertThat(web.dependsOn())
        .containsExactly(Map.entry("db", "service_started"), Map.entry("nats", "service_healthy"));
  }

  @Test
  void portsAndVolumesAreUniqueByTheirKey() throws IOException {
    ComposeFile compose =
        parse(
            """
            services:
              web:
                ports: ["127.0.0.1:8080:8080"]
                volumes: ["data:/data", "./a:/a:ro"]
            """,
            """
            services:
              web:
                ports: ["127.0.0.1:8080:8080", "127.0.0.1:9090:9090"]
                volumes: ["other:/data"]
            """);
    ComposeFile.Service web = compose.services().get("web");
    assertThat(web.ports()).extracting(ComposeFile.Port::hostPort).containsExactly(8080, 9090);
    assertThat(web.volumes()).containsExactly("other:/data", "./a:/a:ro");
  }

  @Test
  void anchorsAndMergeKeysOfOneFileAreResolved() throws IOException {
    ComposeFile compose =
        parse(
            """
            x-node: &node
              image: node:1
              environment: &env
                A: "1"
            services:
              n2:
                <<: *node
                environment:
                  <<: *env
                  NODE: n2
            """);
    ComposeFile.Service n2 = compose.services().get("n2");
    assertThat(n2.image()).contains("node:1");
    assertThat(n2.environment()).containsExactly(Map.entry("A", "1"), Map.entry("NODE", "n2"));
  }

  @Test
  void whatTheMergeDoesNotKnowIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    services:
                      web:
                        extends:
                          service: base
                    """))
        .hasMessageContaining("extends");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    services:
                      web:
                        ports: ["8080:8080"]
                    """,
                    """
                    services:
                      web:
                        ports: !reset []
                    """))
        .hasMessageContaining("!reset");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    services:
                      web:
                        healthcheck:
                          interval: 5s
                    """,
                    """
                    services:
                      web:
                        healthcheck: 5s
                    """))
        .hasMessageContaining("services.web.healthcheck");
  }

  private ComposeFile parse(String... files) throws IOException {
    List<Path> paths = new java.util.ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      Path file = dir.resolve("compose-" + i + ".yml");
      Files.writeString(file, files[i]);
      paths.add(file);
    }
    return ComposeFile.parse(paths);
  }
}
