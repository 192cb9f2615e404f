package io.quarkbar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkbar.bench.scenario.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark suite's quick variant, in this JVM, against the targets the build names (by default
 * all four): every scenario must yield results on every target it runs on, with no errors and no
 * lost events. It asserts no speed; the numbers of a quick run mean nothing.
 */
class BenchSmokeIT {

  @Test
  void everyScenarioYieldsResultsWithoutErrorsOnEveryTarget() throws Exception {
    Path out = Path.of(System.getProperty("bench.out"));
    List<String> targets = Arrays.asList(System.getProperty("bench.smoke.targets").split(","));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int status;
    try (PrintStream tee = new PrintStream(new TeeStream(log), true, StandardCharsets.UTF_8)) {
      status =
          BenchMain.run(
              new String[] {
                "--quick",
                "--root",
                System.getProperty("bench.root"),
                "--out",
                out.toString(),
                "--classpath",
                System.getProperty("bench.classpath"),
                "--targets",
                String.join(",", targets)
              },
              tee);
    }
    String output = log.toString(StandardCharsets.UTF_8);

    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    List<String> problems = new ArrayList<>();
    for (String target : targets) {
      for (Scenario scenario : Suite.scenarios(SuiteConfig.quickRun())) {
        if (!scenario.runsOn(target)) {
          continue;
        }
        List<JsonNode> cases = new ArrayList<>();
        results
            .get("results")
            .forEach(
                r -> {
                  if (r.get("target").asText().equals(target)
                      && r.get("scenario").asText().equals(scenario.name())) {
                    cases.add(r);
                  }
                });
        if (cases.isEmpty()) {
          problems.add(target + " " + scenario.name() + ": no results");
        }
        for (JsonNode c : cases) {
          String what =
              target
                  + " "
                  + scenario.name()
                  + " "
                  + c.get("serializer").asText()
                  + " "
                  + c.get("variant").asText();
          if (!c.get("failure").isNull()) {
            problems.add(what + ": " + c.get("failure").asText());
          }
          if (c.get("samples").isEmpty()) {
            problems.add(what + ": no measured run");
          }
          if (c.get("errors").asLong() != 0) {
            problems.add(what + ": " + c.get("errors").asLong() + " errors");
          }
          c.get("samples")
              .forEach(
                  s -> {
                    if (s.get("ops").asLong() == 0) {
                      problems.add(what + ": a run completed no operation");
                    }
                    JsonNode lost = s.get("extras").get("lost");
                    if (lost != null && lost.asDouble() != 0) {
                      problems.add(what + ": " + lost.asLong() + " events lost");
                    }
                  });
        }
      }
    }
    if (targets.contains("quarkbar")) {
      for (String serializer : List.of("json", "msgpack", "cbor")) {
        JsonNode us = results.path("wampWorkUsPerCall").path(serializer);
        if (!(us.asDouble() > 0)) {
          problems.add("wamp-work " + serializer + ": no in-process measure (" + us + ")");
        }
      }
    }
    assertThat(problems).as("suite output:%n%s", output).isEmpty();
    assertThat(status).as("exit status; suite output:%n%s", output).isZero();
  }

  /** Writes to the captured log and to standard output, so the build log shows progress. */
  private static final class TeeStream extends OutputStream {
    private final ByteArrayOutputStream copy;

    TeeStream(ByteArrayOutputStream copy) {
      this.copy = copy;
    }

    @Override
    public void write(int b) {
      copy.write(b);
      System.out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      copy.write(b, off, len);
      System.out.write(b, off, len);
    }
  }
}
