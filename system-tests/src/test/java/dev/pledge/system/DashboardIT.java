package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.stack.Stack;
import dev.pledge.stack.StackConfig;
import dev.pledge.system.TraceCollector.Span;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through its ChromeDriver, against the
 * whole stack. Where Chromium is not installed the tests tagged {@value #IN_BROWSER} are skipped, and the build
 * ends with a warning that says so; {@code .ci/run} installs it and makes its absence a failure. The metrics test
 * needs no browser and always runs.
 */
class DashboardIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The tag of the tests that drive the page in Chromium. */
    static final String IN_BROWSER = "browser";
    /** .ci/run sets PLEDGE_REQUIRE_BROWSER_TESTS: there a missing browser fails the build. */
    private static final SkippedCheck UNTESTED = new SkippedCheck("browser-tests-skipped.txt",
            "PLEDGE_REQUIRE_BROWSER_TESTS", "THE DASHBOARD WAS NOT TESTED IN A BROWSER",
            "what docs/dashboard.md says the page shows", "chromium chromium-driver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Stack stack;
    private static Ledger ledger;
    private static WebDriver browser;
    private static TraceCollector traces;

    @BeforeAll
    static void start() throws IOException {
        traces = new TraceCollector();
        stack = TestStacks.up("pledge-dashboard-test", traces.exportSettings());
        ledger = TestStacks.ledger(stack);
        if (!browserInstalled()) {
            return;
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    private static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    @BeforeEach
    void browserWhereNeeded(TestInfo test) {
        if (test.getTags().contains(IN_BROWSER) && !browserInstalled()) {
            UNTESTED.skipOrFail(CHROMIUM + " or " + CHROMEDRIVER + " is missing");
        }
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
    @Tag(IN_BROWSER)
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
        List<Span> trace = wholeTrace(traceId, spans -> spans.stream().anyMatch(sp -> sp.kind().equals("SERVER")
                        && sp.service().equals("participant-inventory") && sp.name().contains("commit")),
                "coordinator", "participant-inventory", "participant-payment");
        assertThat(trace).filteredOn(Span::isRoot).singleElement()
                .satisfies(root -> assertThat(root.service() + " " + root.kind()).isEqualTo("coordinator SERVER"));
        assertThat(trace).filteredOn(s -> s.service().equals("participant-inventory") && s.kind().equals("SERVER"))
                .extracting(Span::name).anyMatch(n -> n.contains("prepare")).anyMatch(n -> n.contains("commit"));
    }

    @Test
    @Tag(IN_BROWSER)
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
        List<String> services = List.of("saga-orchestrator", "participant-inventory", "participant-payment");
        List<Span> trace = wholeTrace(traceId, spans -> services.stream().allMatch(service ->
                        spans.stream().anyMatch(sp -> sp.service().equals(service) && sp.kind().equals("PRODUCER"))
                        && spans.stream().anyMatch(sp -> sp.service().equals(service) && sp.kind().equals("CONSUMER"))),
                services.toArray(String[]::new));
        assertThat(trace).filteredOn(Span::isRoot).singleElement()
                .satisfies(root -> assertThat(root.service() + " " + root.kind()).isEqualTo("saga-orchestrator SERVER"));
        // commands out and replies back, each through Kafka and each in the same trace
        for (String service : services) {
            assertThat(trace).as(service + " publishes and consumes in the order's trace")
                    .anyMatch(s -> s.service().equals(service) && s.kind().equals("PRODUCER"))
                    .anyMatch(s -> s.service().equals(service) && s.kind().equals("CONSUMER"));
        }
    }

    @Test
    @Tag(IN_BROWSER)
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
        assertThat(scrape(Stack.INVENTORY).value("pledge_branches_in_doubt")).isEqualTo(1.0);
        assertThat(scrape(Stack.PAYMENT).value("pledge_branches_in_doubt")).isEqualTo(1.0);

        // restart it from the page: recovery presumes abort, as no decision was logged
        click("button.restart-button[data-service='coordinator']");
        until(b -> "ABORTED".equals(byId("detail").getAttribute("data-state")) ? true : null);
        assertThat(count("#detail .held")).isZero();
        assertThat(texts("#swimlane g.entry-crash text")).anyMatch(t -> t.startsWith("coordinator restarted"));
        assertThat(java.nio.file.Files.readString(stack.service(Stack.DASHBOARD).logFile()))
                .as("the restart is audited").contains("a dashboard user at 127.0.0.1 (no login) restarted coordinator");
        assertThat(ledger.prepared()).isZero();
        assertThat(ledger.coordinatorCommitted()).doesNotContain(id);
        Scrape coordinator = scrape(Stack.COORDINATOR);
        assertThat(coordinator.value("pledge_recoveries_total", "found=\"undecided\""))
                .as(coordinator.show("pledge_recoveries_total")).isEqualTo(1.0);
        assertThat(coordinator.value("pledge_transactions_total", "outcome=\"aborted\"", "protocol=\"2pc\""))
                .as(coordinator.show("pledge_transactions_total")).isEqualTo(1.0);
        until(b -> {
            try { // read at most once a second by the participant
                return scrape(Stack.INVENTORY).value("pledge_branches_in_doubt") == 0.0 ? true : null;
            } catch (Exception e) {
                return null;
            }
        });
    }

    /** Two orders waiting for each other's row in two databases: the page joins the waits and marks the cycle. */
    @Test
    @Tag(IN_BROWSER)
    void theLockWaitsPanelShowsADistributedDeadlockAsACycle() throws Exception {
        open();
        HandMadeDeadlock deadlock = HandMadeDeadlock.make(stack, "BOOK-001", "acc-alice");
        try (deadlock) {
            until(b -> byId("waits-cycles").getText().contains("Cycle:") ? true : null);
            String cycle = byId("waits-cycles").getText();
            assertThat(cycle).contains(deadlock.a.substring(0, 8)).contains(deadlock.b.substring(0, 8))
                    .contains("distributed deadlock");
            assertThat(String.join(" ", texts("#waits td"))).contains("products(BOOK-001)").contains("accounts(acc-alice)")
                    .contains(deadlock.a).contains(deadlock.b);
            screenshot("lock-waits-cycle");
        }
        until(b -> byId("waits-cycles").getText().isBlank() ? true : null);
        assertThat(deadlock.waitersVotes()).containsOnly("NO");
    }

    @Test
    @Tag(IN_BROWSER)
    void runsTheSagaComparisonFromThePageAndShowsItsReportAsATableAndCharts() throws Exception {
        open();
        new Select(byId("saga-failure")).selectByValue("payment-declined");
        byId("saga-orders").clear();
        byId("saga-orders").sendKeys("1");
        click("#saga-run");

        // the real `pledge saga compare` runs; its progress streams into the page, then its report replaces it
        new WebDriverWait(browser, Duration.ofMinutes(3)).until(b -> count("#experiment-report tbody tr") > 0);
        assertThat(byId("experiment-progress").getText()).isNotBlank();
        assertThat(byId("experiment-report").getText()).contains("Saga comparison: failure payment-declined, 1 order per flow");
        List<String> flows = texts("#experiment-report tbody th[scope='row']");
        assertThat(flows).contains("sequential", "parallel", "forward-recovery", "choreography");
        assertThat(texts("#experiment-report tbody td:nth-last-child(2)")).hasSameSizeAs(flows).containsOnly("hold");
        assertThat(texts("#experiment-report h4")).doesNotContain("Problems");
        assertThat(texts("#experiment-report figure figcaption"))
                .containsExactly("Latency per flow", "Inconsistency window per flow");
        assertThat(count("#experiment-report figure svg rect")).isGreaterThanOrEqualTo(2 * flows.size());
        screenshot("saga-comparison");
    }

    @Test
    void theMetricsCountWhatHappenedAndTheGrafanaDashboardReadsOnlyWhatTheServicesExport() throws Exception {
        Map<String, Scrape> before = scrapeAll();
        String tx = post(Stack.COORDINATOR, "/orders",
                "{\"sku\":\"MUG-042\",\"qty\":1,\"account\":\"acc-alice\",\"amount\":\"2.50\",\"protocol\":\"2PC\"}");
        assertThat(JSON.readTree(tx).path("state").asText()).isEqualTo("COMMITTED");
        // acc-dave has nothing: the charge is declined and the reservation compensated
        String saga = JSON.readTree(post(Stack.SAGA_ORCHESTRATOR, "/sagas/orders",
                "{\"sku\":\"MUG-042\",\"qty\":1,\"account\":\"acc-dave\",\"amount\":\"2.50\",\"flow\":\"sequential\"}")).path("id").asText();
        long deadline = System.nanoTime() + WAIT.multipliedBy(2).toNanos();
        while (!JSON.readTree(get(Stack.SAGA_ORCHESTRATOR, "/sagas/" + saga)).path("status").asText().equals("COMPENSATED")) {
            assertThat(System.nanoTime()).as("saga %s compensated", saga).isLessThan(deadline);
            Thread.sleep(100);
        }
        Map<String, Scrape> after = scrapeAll();

        increase(before, after, Stack.COORDINATOR, "pledge_transactions_total", "outcome=\"committed\"", "protocol=\"2pc\"")
                .isEqualTo(1.0);
        increase(before, after, Stack.COORDINATOR, "pledge_transaction_duration_seconds_count", "protocol=\"2pc\"")
                .isEqualTo(1.0);
        increase(before, after, Stack.COORDINATOR, "pledge_votes_total", "participant=\"payment\"", "vote=\"yes\"")
                .isEqualTo(1.0);
        increase(before, after, Stack.SAGA_ORCHESTRATOR, "pledge_sagas_total", "flow=\"sequential\"",
                "outcome=\"compensated\"").isEqualTo(1.0);
        increase(before, after, Stack.SAGA_ORCHESTRATOR, "pledge_saga_compensations_total",
                "step=\"reserve-stock\"").isEqualTo(1.0);
        increase(before, after, Stack.INVENTORY, "pledge_saga_commands_total", "kind=\"compensation\"",
                "outcome=\"done\"").isEqualTo(1.0);
        increase(before, after, Stack.PAYMENT, "pledge_saga_commands_total", "kind=\"action\"",
                "outcome=\"refused\"").isPositive();

        // every series the dashboard asks for is exported, and every pledge_ metric has a panel
        Set<String> exported = new HashSet<>();
        after.values().forEach(scrape -> exported.addAll(scrape.names()));
        JsonNode grafana = JSON.readTree(Path.of(System.getProperty("pledge.home"), "deploy/grafana/pledge-dashboard.json").toFile());
        List<String> expressions = grafana.findValues("expr").stream().map(JsonNode::asText).toList();
        Set<String> asked = new HashSet<>();
        expressions.forEach(e -> METRIC.matcher(e).results().map(r -> r.group()).forEach(asked::add));
        assertThat(asked).as("metrics the Grafana dashboard reads").isNotEmpty().allMatch(exported::contains);
        Set<String> shown = asked.stream().map(DashboardIT::family).collect(Collectors.toSet());
        Set<String> families = exported.stream().filter(n -> n.startsWith("pledge_")).map(DashboardIT::family)
                .collect(Collectors.toSet());
        assertThat(families).as("pledge metrics exported").hasSizeGreaterThanOrEqualTo(10)
                .allMatch(shown::contains, "shown on the Grafana dashboard");

        // the Prometheus configuration beside it scrapes the local stack's services where they listen
        String prometheus = Files.readString(Path.of(System.getProperty("pledge.home"), "deploy/prometheus/prometheus.yml"));
        for (String service : List.of(Stack.COORDINATOR, Stack.INVENTORY, Stack.PAYMENT, Stack.SAGA_ORCHESTRATOR)) {
            assertThat(prometheus).contains("\"127.0.0.1:" + StackConfig.DEFAULT_PORTS.get(service) + "\"");
        }
        assertThat(prometheus).contains("metrics_path: /q/metrics");
    }

    /**
     * The spans of one trace once each service has sent its part, every span's parent has arrived (a trace
     * whose pieces all hang together) and {@code complete} holds: spans are exported in batches, so a test
     * waits for the ones it is about.
     */
    private static List<Span> wholeTrace(String traceId, Predicate<List<Span>> complete, String... services)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<Span> trace = traces.trace(traceId);
            java.util.Set<String> ids = new java.util.HashSet<>();
            trace.forEach(s -> ids.add(s.spanId()));
            boolean connected = trace.stream().allMatch(s -> s.isRoot() || ids.contains(s.parentSpanId()));
            boolean everyone = trace.stream().map(Span::service).collect(java.util.stream.Collectors.toSet())
                    .containsAll(List.of(services));
            if (connected && everyone && complete.test(trace)) {
                return trace;
            }
            assertThat(System.nanoTime()).as("trace %s complete from %s; so far: %s", traceId, List.of(services), trace)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static final java.util.regex.Pattern METRIC = java.util.regex.Pattern.compile("\\b(pledge|http|jvm)_[a-z_]+\\b");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    /** A metric's name without the suffix of one of its series: {@code _total}, {@code _bucket}, ... */
    private static String family(String series) {
        return series.replaceAll("_(total|bucket|count|sum|max)$", "");
    }

    private static Scrape scrape(String service) throws IOException, InterruptedException {
        return Scrape.of(stack.service(service).baseUrl());
    }

    private static Map<String, Scrape> scrapeAll() throws IOException, InterruptedException {
        Map<String, Scrape> all = new HashMap<>();
        for (String service : List.of(Stack.COORDINATOR, Stack.INVENTORY, Stack.PAYMENT, Stack.SAGA_ORCHESTRATOR)) {
            all.put(service, scrape(service));
        }
        return all;
    }

    private static org.assertj.core.api.AbstractDoubleAssert<?> increase(Map<String, Scrape> before,
            Map<String, Scrape> after, String service, String name, String... labels) {
        return assertThat(after.get(service).value(name, labels) - before.get(service).value(name, labels))
                .as("increase of %s %s, from %s to %s", name, List.of(labels), before.get(service).show(name),
                        after.get(service).show(name));
    }

    private static String post(String service, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.service(service).baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isBetween(200, 202);
        return r.body();
    }

    private static String get(String service, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.service(service).baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private void open() {
        browser.get(stack.service(Stack.DASHBOARD).baseUrl() + "/");
        until(b -> "live".equals(byId("live").getText().trim()) ? true : null);
    }

    /**
     * Scrolled into view first (at once: the page scrolls smoothly, and a click mid-scroll misses), as the
     * controls sit in a column taller than the window; tried again while the live page is still moving it (a
     * pill that turns red re-flows the header) or has just redrawn it.
     */
    private static void click(String css) {
        until(b -> {
            WebElement element = first(b, css);
            if (element == null) {
                return null;
            }
            try {
                ((JavascriptExecutor) b).executeScript("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element);
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
