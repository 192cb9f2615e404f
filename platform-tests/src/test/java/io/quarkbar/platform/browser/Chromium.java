package io.quarkbar.platform.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium ({@code chromium}, {@code chromium-driver}) under Selenium: headless, in a
 * fresh profile, without the sandbox (tests run as root). Both paths are given, so Selenium Manager
 * never runs: no browser or driver is downloaded.
 */
final class Chromium {

  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  /**
   * Skips the calling tests where Chromium is not installed; fails them instead in CI ({@code
   * CI=true}), whose .ci/run installs it, so that the browser tests never go missing unnoticed.
   */
  static void assumeInstalled() {
    boolean installed = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    String missing =
        "the web UI's browser tests need Debian's Chromium and its driver at "
            + BROWSER
            + " and "
            + DRIVER
            + ": apt-get install chromium chromium-driver";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(installed).as(missing).isTrue();
    }
    assumeTrue(installed, missing);
  }

  /** A new browser whose profile (cookies, localStorage) lives in {@code profile}. */
  static ChromeDriver start(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1280,860",
        "--user-data-dir=" + profile.toAbsolutePath());
    // The console, for a failing test's report and for the check that the page logs no errors.
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
