package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
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
    private static TraceCollector traces;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the browser test needs Debian's Chromium and ChromeDriver: apt-get install chromium chromium-driver");
        traces = new TraceCollector();
        stack = TestStacks.up("pledge-dashboard-test", traces.exportSettings());
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
        if (traces != null) {
            traces.close();
        }
    }

    @AfterEach
    void nothingLeftInDoubt() throws Exception {
        stack.up(System.out::println); // whatever a test left crashed
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
        click("#order-submit");
        String id = until(b -> b.findElements(By.cssSelector("#order-result [data-id]")).stream()
                .map(e -> e.getAttribute("data-id")).filter(v -> v != null && !v.isBlank()).findFirst().orElse(null));

        click("#activity-rows tr[data-id='" + id + "'] .open");
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

        // the trace id the timeline shows is one trace: the order's request, and every call it made
        String traceId = until(b -> texts("#trace-id").stream().findFirst().orElse(null));
        List<TraceCollector.Span> trace = wholeTrace(traceId, "coordinator", "participant-inventory", "participant-payment");
        assertThat(trace).filteredOn(TraceCollector.Span::isRoot).singleElement()
                .satisfies(root -> assertThat(root.service() + " " + root.kind()).isEqualTo("coordinator SERVER"));
        assertThat(trace).filteredOn(s -> s.service().equals("participant-inventory") && s.kind().equals("SERVER"))
                .extracting(TraceCollector.Span::name).anyMatch(n -> n.contains("prepare")).anyMatch(n -> n.contains("commit"));
    }

    @Test
    void aSagaIsOneTraceFromItsRequestThroughEveryKafkaRecord() throws Exception {
        open();
        new Select(byId("order-protocol")).selectByValue("saga");
        new Select(byId("order-flow")).selectByValue("sequential");
        click("#order-submit");
        String id = until(b -> attribute("#order-result [data-id]", "data-id"));
        click("#activity-rows tr[data-id='" + id + "'] .open");
        until(b -> "COMPLETED".equals(byId("detail").getAttribute("data-state"))
                && id.equals(byId("detail").getAttribute("data-id")) ? true : null);

        String traceId = until(b -> texts("#trace-id").stream().findFirst().orElse(null));
        List<TraceCollector.Span> trace = wholeTrace(traceId, "saga-orchestrator", "participant-inventory", "participant-payment");
        assertThat(trace).filteredOn(TraceCollector.Span::isRoot).singleElement()
                .satisfies(root -> assertThat(root.service() + " " + root.kind()).isEqualTo("saga-orchestrator SERVER"));
        // commands out and replies back, each through Kafka and each in the same trace
        for (String service : List.of("saga-orchestrator", "participant-inventory", "participant-payment")) {
            assertThat(trace).as(service + " publishes and consumes in the order's trace")
                    .anyMatch(s -> s.service().equals(service) && s.kind().equals("PRODUCER"))
                    .anyMatch(s -> s.service().equals(service) && s.kind().equals("CONSUMER"));
        }
    }

    @Test
    void aCoordinatorHaltedAfterTheVotesBlocksTheOrderUntilItIsRestartedFromThePage() throws Exception {
        open();
        new Select(byId("crash-service")).selectByValue("coordinator");
        new Select(byId("crash-point")).selectByValue("after-votes");
        click("#crash-arm");
        until(b -> byId("crash-armed").getText().contains("after-votes") ? true : null);
        new Select(byId("order-protocol")).selectByValue("2pc");
        byId("order-sku").clear();
        byId("order-sku").sendKeys("MUG-042");
        click("#order-submit");

        // the coordinator halts before it answers; the participants still hold their prepared branches
        until(b -> byId("order-error").getText().isBlank() ? null : true);
        String id = until(b -> attribute("#activity-rows tr.in-doubt", "data-id"));
        click("#activity-rows tr[data-id='" + id + "'] .open");
        until(b -> id.equals(byId("detail").getAttribute("data-id")) && count("#detail .held tbody tr") == 2 ? true : null);
        assertThat(String.join(" ", texts("#detail .held td"))).contains("inventory", "payment", "products: MUG-042");
        assertThat(ledger.prepared()).isEqualTo(2);
        screenshot("in-doubt");

        // restart it from the page: recovery presumes abort, as no decision was logged
        click("button.restart-button[data-service='coordinator']");
        until(b -> "ABORTED".equals(byId("detail").getAttribute("data-state")) ? true : null);
        assertThat(count("#detail .held")).isZero();
        assertThat(texts("#swimlane g.entry-crash text")).anyMatch(t -> t.startsWith("coordinator restarted"));
        assertThat(ledger.prepared()).isZero();
        assertThat(ledger.coordinatorCommitted()).doesNotContain(id);
    }

    /**
     * The spans of one trace once each service has sent its part and every span's parent has arrived: a trace
     * whose pieces all hang together.
     */
    private static List<TraceCollector.Span> wholeTrace(String traceId, String... services) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<TraceCollector.Span> trace = traces.trace(traceId);
            java.util.Set<String> ids = new java.util.HashSet<>();
            trace.forEach(s -> ids.add(s.spanId()));
            boolean connected = trace.stream().allMatch(s -> s.isRoot() || ids.contains(s.parentSpanId()));
            boolean everyone = trace.stream().map(TraceCollector.Span::service).collect(java.util.stream.Collectors.toSet())
                    .containsAll(List.of(services));
            if (connected && everyone) {
                return trace;
            }
            assertThat(System.nanoTime()).as("trace %s complete from %s; so far: %s", traceId, List.of(services), trace)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private void open() {
        browser.get(stack.service(Stack.DASHBOARD).baseUrl() + "/");
        until(b -> "live".equals(byId("live").getText().trim()) ? true : null);
    }

    /**
     * Scrolled into view first, as the controls sit in a column taller than the window; tried again while the
     * live page is still moving it (a pill that turns red re-flows the header) or has just redrawn it.
     */
    private static void click(String css) {
        until(b -> {
            WebElement element = first(b, css);
            if (element == null) {
                return null;
            }
            try {
                ((JavascriptExecutor) b).executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
                element.click();
                return true;
            } catch (ElementClickInterceptedException | StaleElementReferenceException e) {
                return null;
            }
        });
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

    private static String attribute(String css, String name) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name);
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
