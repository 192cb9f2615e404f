package io.quarkbar.platform.browser;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.logging.LogEntry;

/**
 * The browser pages a test opens, closed after it. When the test fails, before anything is closed,
 * each page leaves a screenshot in {@code target/screenshots} and its console in the test's output.
 */
final class Browsers implements AfterTestExecutionCallback, AfterEachCallback {

  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final List<ForumPage> pages = new ArrayList<>();

  /** Opens {@code url} in a new browser named {@code name}. */
  ForumPage open(String name, String url) {
    ForumPage page = ForumPage.open(name, url);
    pages.add(page);
    return page;
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isEmpty()) {
      return;
    }
    String test =
        context.getRequiredTestClass().getSimpleName()
            + "-"
            + context.getRequiredTestMethod().getName();
    for (ForumPage page : pages) {
      try {
        Path file = page.screenshot(SCREENSHOTS.resolve(test + "-" + page.name() + ".png"));
        StringBuilder console = new StringBuilder();
        for (LogEntry entry : page.console()) {
          console.append("\n  ").append(entry.getLevel()).append(' ').append(entry.getMessage());
        }
        System.err.println(
            "---- " + page + ": screenshot " + file.toAbsolutePath() + "; console:" + console);
      } catch (RuntimeException e) {
        // A page that was closed, or whose browser died, has nothing to show.
        System.err.println("---- " + page + ": no screenshot (" + e.getMessage() + ")");
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    pages.forEach(ForumPage::close);
    pages.clear();
  }
}
