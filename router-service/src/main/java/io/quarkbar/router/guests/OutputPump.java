package io.quarkbar.router.guests;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads one output stream of a guest on a thread of its own and hands on each line whole, so that
 * one log record holds one line of one guest, never parts of two. A line longer than {@link
 * #MAX_LINE} characters is handed on in pieces of that size, so that a guest that never writes a
 * line break cannot fill the router's memory.
 */
final class OutputPump {

  static final int MAX_LINE = 16 * 1024;

  private OutputPump() {}

  /** Starts a daemon thread named {@code name} that pumps {@code in} into {@code lines}. */
  static Thread start(String name, InputStream in, Consumer<String> lines) {
    return Thread.ofPlatform().daemon().name(name).start(() -> pump(in, lines));
  }

  private static void pump(InputStream in, Consumer<String> lines) {
    StringBuilder line = new StringBuilder();
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      char[] buffer = new char[8192];
      int n;
      while ((n = reader.read(buffer)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = buffer[i];
          if (c == '\n') {
            emit(line, lines);
          } else {
            line.append(c);
            if (line.length() >= MAX_LINE) {
              emit(line, lines);
            }
          }
        }
      }
    } catch (IOException e) {
      // The stream closes under us when the process is killed: what was read is handed on below.
    }
    if (!line.isEmpty()) {
      emit(line, lines);
    }
  }

  private static void emit(StringBuilder line, Consumer<String> lines) {
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\r') {
      end--;
    }
    lines.accept(line.substring(0, end));
    line.setLength(0);
  }
}
