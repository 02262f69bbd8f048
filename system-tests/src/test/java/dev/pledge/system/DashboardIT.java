package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.pledge.stack.Stack;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through its ChromeDriver, against the
 * whole stack. Skipped, with the reason, only where Chromium is not installed ({@code .ci/run} installs it).
 */
class DashboardIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Stack stack;
    private static Ledger ledger;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs Debian's Chromium and ChromeDriver: apt-get install chromium chromium-driver");
        stack = TestStacks.up("pledge-dashboard-test", Map.of());
        ledger = TestStacks.ledger(stack);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.down(System.out::println, false);
        }
    }

    @AfterEach
    void nothingLeftInDoubt() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ledger.prepared() > 0 || ledger.unfinished() > 0) {
            assertThat(System.nanoTime()).as("still in doubt after 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(ledger.violations()).isEmpty();
    }

    @Test
    void submitsAnOrderAndOpensItsTimeline() throws Exception {
        open();
        new Select(byId("order-protocol")).selectByValue("2pc");
        byId("order-submit").click();
        String id = until(b -> b.findElements(By.cssSelector("#order-result [data-id]")).stream()
                .map(e -> e.getAttribute("data-id")).filter(v -> v != null && !v.isBlank()).findFirst().orElse(null));

        WebElement row = until(b -> first(b, "#activity-rows tr[data-id='" + id + "']"));
        row.findElement(By.cssSelector(".open")).click();
        until(b -> "COMMITTED".equals(byId("detail").getAttribute("data-state"))
                && id.equals(byId("detail").getAttribute("data-id")) ? true : null);

        List<String> lanes = texts("#swimlane .lane");
        assertThat(lanes).containsExactly("coordinator", "inventory", "payment");
        List<String> messages = texts("#swimlane g.entry-message text");
        assertThat(messages).anyMatch(t -> t.startsWith("prepare")).anyMatch(t -> t.startsWith("vote YES"))
                .anyMatch(t -> t.startsWith("commit")).anyMatch(t -> t.startsWith("ack"));
        assertThat(count("#swimlane g.entry-message[data-lane='coordinator'][data-to='inventory']")).isPositive();
        assertThat(ledger.coordinatorCommitted()).contains(id);
        screenshot("order-timeline");
    }

    private void open() {
        browser.get(stack.service(Stack.DASHBOARD).baseUrl() + "/");
        until(b -> "live".equals(byId("live").getText().trim()) ? true : null);
    }

    private static WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    private static WebElement first(WebDriver b, String css) {
        return b.findElements(By.cssSelector(css)).stream().findFirst().orElse(null);
    }

    /** Read in one script, as the live page may redraw the diagram between two WebDriver calls. */
    @SuppressWarnings("unchecked")
    private static List<String> texts(String css) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent.trim());", css);
    }

    private static int count(String css) {
        return ((Number) ((JavascriptExecutor) browser).executeScript(
                "return document.querySelectorAll(arguments[0]).length;", css)).intValue();
    }

    private static <T> T until(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(browser, WAIT).until(condition::apply);
    }

    /** Kept under target/ for a look at what the browser drew. */
    private static void screenshot(String name) throws IOException {
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Path to = Path.of("target", "dashboard-" + name + ".png");
        Files.copy(shot.toPath(), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
