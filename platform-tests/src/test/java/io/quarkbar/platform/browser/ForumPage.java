package io.quarkbar.platform.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The forum's page in a Chromium of its own (its own profile, so its own login): what a user sees
 * and does there, through the page's forms, buttons and lists. Every wait is bounded; a wait that
 * ends unmet fails with the page's name and what it waited for.
 */
public final class ForumPage implements AutoCloseable {

  /** For what the page does by itself: a round trip through the router and a service or two. */
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final String name;
  private final Path profile;
  private final ChromeDriver driver;
  private boolean closed;

  private ForumPage(String name, Path profile, ChromeDriver driver) {
    this.name = name;
    this.profile = profile;
    this.driver = driver;
  }

  /** Opens {@code url} in a new browser; connected when this returns. */
  static ForumPage open(String name, String url) {
    Path profile;
    try {
      profile = Files.createTempDirectory("quarkbar-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ForumPage page = new ForumPage(name, profile, Chromium.start(profile));
    page.driver.get(url);
    page.awaitConnection("connected", TIMEOUT);
    return page;
  }

  public String name() {
    return name;
  }

  // --- Account ---

  /** Fills in the login form and presses Register (which logs in too). */
  public void register(String username, String password) {
    fillLogin(username, password);
    find(By.cssSelector("#login-form button[value=register]")).click();
  }

  /** Fills in the login form and presses Enter, as a keyboard user does. */
  public void logIn(String username, String password) {
    fillLogin(username, password);
    find(By.id("login-password")).sendKeys(Keys.ENTER);
  }

  public void logOut() {
    find(By.id("logout")).click();
  }

  public void awaitLoggedInAs(String username) {
    await(
        "logged in as " + username,
        TIMEOUT,
        d -> {
          WebElement shown = d.findElement(By.id("signed-in-name"));
          return shown.isDisplayed() && shown.getText().equals(username);
        });
  }

  /** Waits for the login form, which only guests see. */
  public void awaitLoggedOut() {
    await("the login form", TIMEOUT, d -> d.findElement(By.id("login-form")).isDisplayed());
  }

  public boolean isLoggedIn() {
    return driver.findElement(By.id("signed-in-name")).isDisplayed();
  }

  /** The message the login form shows, once it shows one. */
  public String loginError() {
    return awaitText("an error on the login form", By.cssSelector("#login-form .form-error"));
  }

  /** The notice under the header, once there is one. */
  public String notice() {
    return awaitText("a notice", By.cssSelector("#notice p"));
  }

  // --- Connection and presence ---

  /** connecting, connected, reconnecting or offline, as the header shows it. */
  public String connectionState() {
    return find(By.id("connection")).getDomAttribute("data-state");
  }

  public void awaitConnection(String state, Duration timeout) {
    await("connection " + state, timeout, d -> state.equals(connectionState()));
  }

  /** The users the "Online now" list shows. */
  public List<String> online() {
    return await("the online list", TIMEOUT, ForumPage::readOnline);
  }

  public void awaitOnline(String user) {
    await(user + " in the online list", TIMEOUT, d -> readOnline(d).contains(user));
  }

  public void awaitOffline(String user) {
    await(user + " gone from the online list", TIMEOUT, d -> !readOnline(d).contains(user));
  }

  private static List<String> readOnline(WebDriver d) {
    return d.findElements(By.cssSelector("#online-list li")).stream()
        .map(li -> li.getDomAttribute("data-user"))
        .toList();
  }

  // --- Threads ---

  /** The thread list's titles, newest activity first. */
  public List<String> threadTitles() {
    return await("the thread list", TIMEOUT, ForumPage::readThreadTitles);
  }

  public void awaitThreadListed(String title) {
    await(
        "thread \"" + title + "\" in the list", TIMEOUT, d -> readThreadTitles(d).contains(title));
  }

  private static List<String> readThreadTitles(WebDriver d) {
    return d.findElements(By.cssSelector("#thread-list .thread-title")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** Fills in "Start a thread" and submits it. */
  public void submitThread(String title, String body) {
    type(By.id("new-thread-title"), title);
    type(By.id("new-thread-body"), body);
    find(By.cssSelector("#new-thread-form button[type=submit]")).click();
  }

  /** Starts a thread; the page then shows it. */
  public void createThread(String title, String body) {
    submitThread(title, body);
    awaitThreadShown(title);
  }

  /** The message the new thread form shows, once it shows one. */
  public String threadFormError() {
    return awaitText(
        "an error on the new thread form", By.cssSelector("#new-thread-form .form-error"));
  }

  /** The message the thread list shows instead of threads, once it shows one. */
  public String threadListError() {
    return awaitText("an error over the thread list", By.id("threads-error"));
  }

  /** Follows a thread's link in the list. */
  public void openThread(String title) {
    await(
            "a link to \"" + title + "\"",
            TIMEOUT,
            d ->
                d.findElements(By.cssSelector("#thread-list .thread-title")).stream()
                    .filter(a -> a.getText().equals(title))
                    .findFirst()
                    .orElse(null))
        .click();
    awaitThreadShown(title);
  }

  public void awaitThreadShown(String title) {
    await(
        "thread \"" + title + "\" shown",
        TIMEOUT,
        d -> {
          WebElement heading = d.findElement(By.id("thread-title"));
          return heading.isDisplayed() && heading.getText().equals(title);
        });
  }

  /** Back to the thread list, by the link above the thread. */
  public void backToThreads() {
    find(By.cssSelector("#thread-view a.back")).click();
    await("the thread list", TIMEOUT, d -> d.findElement(By.id("threads-view")).isDisplayed());
  }

  // --- Posts ---

  /** A post as shown: who wrote it, its text, and whether it offers Edit and Delete. */
  public record Post(String author, String body, boolean editable, boolean edited) {}

  /** The posts of the thread shown, in order. */
  public List<Post> posts() {
    return await("the posts", TIMEOUT, ForumPage::readPosts);
  }

  /** The post with this text, once the thread shows it. */
  public Post awaitPost(String body) {
    return await(
        "a post \"" + body + "\"",
        TIMEOUT,
        d -> readPosts(d).stream().filter(p -> body.equals(p.body())).findFirst().orElse(null));
  }

  public void awaitNoPost(String body) {
    await(
        "no post \"" + body + "\"",
        TIMEOUT,
        d -> readPosts(d).stream().noneMatch(p -> body.equals(p.body())));
  }

  private static List<Post> readPosts(WebDriver d) {
    return d.findElements(By.cssSelector("#posts li.post")).stream()
        .map(
            li ->
                new Post(
                    li.findElement(By.className("post-author")).getText(),
                    li.findElements(By.className("post-body")).stream()
                        .map(WebElement::getText)
                        .findFirst()
                        .orElse(null),
                    !li.findElements(By.cssSelector("button.edit")).isEmpty(),
                    !li.findElements(By.className("edited")).isEmpty()))
        .toList();
  }

  /** Writes a reply and submits it. */
  public void submitReply(String body) {
    type(By.id("reply-body"), body);
    find(By.cssSelector("#reply-form button[type=submit]")).click();
  }

  /** Replies; the page then shows the reply. */
  public void reply(String body) {
    submitReply(body);
    awaitPost(body);
  }

  public String replyError() {
    return awaitText("an error on the reply form", By.cssSelector("#reply-form .form-error"));
  }

  /** Edits one's own post through its Edit button. */
  public void editPost(String body, String newBody) {
    postItem(body).findElement(By.cssSelector("button.edit")).click();
    WebElement editor =
        await(
            "the editor",
            TIMEOUT,
            d -> d.findElement(By.cssSelector("#posts .edit-form textarea")));
    editor.clear();
    editor.sendKeys(newBody);
    find(By.cssSelector("#posts .edit-form button[type=submit]")).click();
    awaitPost(newBody);
  }

  /** Deletes one's own post: Delete, then the confirming Delete. */
  public void deletePost(String body) {
    postItem(body).findElement(By.cssSelector("button.delete")).click();
    find(By.cssSelector("#posts button.confirm-delete")).click();
  }

  private WebElement postItem(String body) {
    return await(
        "the post \"" + body + "\"",
        TIMEOUT,
        d ->
            d.findElements(By.cssSelector("#posts li.post")).stream()
                .filter(
                    li ->
                        li.findElements(By.className("post-body")).stream()
                            .anyMatch(b -> b.getText().equals(body)))
                .findFirst()
                .orElse(null));
  }

  // --- The browser ---

  public void reload() {
    driver.navigate().refresh();
    awaitConnection("connected", TIMEOUT);
  }

  /** Runs a script in the page and returns its result (for what no user action shows). */
  public Object script(String script) {
    return driver.executeScript(script);
  }

  /** How many elements of the page match a CSS selector. */
  public int count(String selector) {
    return driver.findElements(By.cssSelector(selector)).size();
  }

  /** What the page logged to its console since the last call. */
  public List<LogEntry> console() {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }

  /** A screenshot of the window, in {@code file}. */
  public Path screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(
          driver.getScreenshotAs(OutputType.FILE).toPath(),
          file,
          StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Quits the browser, as closing its last tab does: its connection to the router ends. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      driver.quit();
    } finally {
      deleteProfile();
    }
  }

  @Override
  public String toString() {
    return "page " + name;
  }

  private void fillLogin(String username, String password) {
    type(By.id("login-username"), username);
    type(By.id("login-password"), password);
  }

  private void type(By field, String text) {
    WebElement input = find(field);
    input.clear();
    input.sendKeys(text);
  }

  /** The element once it is displayed. */
  private WebElement find(By by) {
    return await(
        by.toString(),
        TIMEOUT,
        d -> {
          WebElement element = d.findElement(by);
          return element.isDisplayed() ? element : null;
        });
  }

  private String awaitText(String what, By by) {
    return await(
        what,
        TIMEOUT,
        d -> {
          String text = d.findElement(by).getText();
          return text.isEmpty() ? null : text;
        });
  }

  /**
   * Waits until {@code condition} gives something other than null or false, reading the page again
   * while the page redraws what was read.
   */
  private <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout)
        .pollingEvery(Duration.ofMillis(100))
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .withMessage(() -> name + " never showed " + what)
        .until(condition);
  }

  private void deleteProfile() {
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A profile left in the temporary directory harms nothing.
    }
  }
}
