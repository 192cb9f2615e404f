package io.quarkbar.bench.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** The report of a multi-node bench: a title, when and where it ran, a two-column table. */
final class MeasureTable {

  private MeasureTable() {}

  /** Writes the report to {@code out} and prints it. */
  static void write(Path out, String title, String setting, Map<String, String> rows)
      throws IOException {
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    md.append("Run ")
        .append(Instant.now())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs")
        .append(setting.isEmpty() ? "" : "; " + setting)
        .append("\n\n");
    md.append("| measure | value |\n|---|---|\n");
    rows.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
    System.out.println(md);
    System.out.println("written to " + out);
  }
}
