package dev.pledge.chaos.contention;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import dev.pledge.chaos.campaign.Faults;
import dev.pledge.chaos.check.CheckResult;
import dev.pledge.chaos.check.Checker;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;
import dev.pledge.chaos.check.Snapshot;
import dev.pledge.chaos.history.History;
import dev.pledge.chaos.workload.Orders;
import dev.pledge.chaos.workload.Orders.Order;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Stack;

/**
 * Many orders on few rows: {@code clients} clients place {@code orders} orders over {@code skus} products and
 * {@code accounts} accounts, once per protocol and lock policy, and the databases are checked afterwards. While the
 * orders run, the participants' waits are sampled into the wait-for graph, so a cycle (a distributed deadlock) is
 * seen as it happens. For 2PC and 3PC the coordinator is restarted with each lock policy in turn; sagas take part
 * as they are (their steps are short local transactions, so nothing waits across databases).
 */
public final class ContentionExperiment {
    /** How often the participants' waits are read while the orders run. */
    static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
    private static final BigDecimal PRICE = new BigDecimal("1.00");
    /** The coordinator's lock policies (pledge.coordinator.lock-policy), its default first. */
    public static final List<String> POLICIES = List.of("ordered", "wait-die", "no-wait", "wait");
    /** Orders each client places before a run, on rows of its own, not counted. */
    static final int WARM_UP_ORDERS = 5;
    private static final String POLICY_VARIABLE = "PLEDGE_COORDINATOR_LOCK_POLICY";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** What to run. */
    public record Settings(List<String> protocols, List<String> policies, int orders, int clients, int skus, int accounts,
                           int stock, long seed, Duration quiet) {
    }

    private final Stack stack;
    private final Settings settings;
    private final Consumer<String> progress;
    private final Databases dbs;

    public ContentionExperiment(Stack stack, Settings settings, Consumer<String> progress) {
        this.stack = stack;
        this.settings = settings;
        this.progress = progress;
        this.dbs = Databases.of(stack);
    }

    public static String sku(int i) {
        return String.format("HOT-%03d", i + 1);
    }

    public static String account(int i) {
        return String.format("acc-hot-%03d", i + 1);
    }

    static String warmUpSku(int client) {
        return String.format("WARM-%03d", client + 1);
    }

    static String warmUpAccount(int client) {
        return String.format("acc-warm-%03d", client + 1);
    }

    /** One row per protocol and policy (sagas once, under no policy); the coordinator is left as it was found. */
    public List<ContentionRow> run() throws Exception {
        QuarkusService plain = stack.service(Stack.COORDINATOR);
        QuarkusService current = plain;
        List<ContentionRow> rows = new ArrayList<>();
        try {
            for (String protocol : settings.protocols()) {
                List<String> policies = protocol.equals("saga") ? List.of("-") : settings.policies();
                for (String policy : policies) {
                    if (!protocol.equals("saga")) {
                        QuarkusService wanted = plain.withEnvironment(Map.of(POLICY_VARIABLE, policy));
                        progress.accept("restarting the coordinator with lock policy " + policy);
                        Faults.swap(current, wanted, progress);
                        current = wanted;
                    }
                    rows.add(runOne(protocol, policy));
                }
            }
        } finally {
            if (current != plain) {
                progress.accept("restarting the coordinator with its own settings");
                Faults.swap(current, plain, progress);
            }
        }
        return rows;
    }

    private ContentionRow runOne(String protocol, String policy) throws Exception {
        progress.accept(protocol + (policy.equals("-") ? "" : ", policy " + policy) + ": " + settings.orders() + " orders from "
                + settings.clients() + " clients over " + settings.skus() + " product(s) with " + settings.stock()
                + " in stock each and " + settings.accounts() + " account(s)");
        reset();
        warmUp(protocol);
        Snapshot before = Checker.read(dbs, System.nanoTime() + Duration.ofSeconds(30).toNanos());
        long retriesBefore = retries();
        double timeoutsBefore = lockTimeouts();
        History history = new History();
        Orders orders = new Orders(stack.service(Stack.COORDINATOR).baseUrl(), stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl(),
                history, Duration.ofSeconds(60));
        Histogram latency = new ConcurrentHistogram(3);
        WaitSampler sampler = new WaitSampler(Map.of("inventory", stack.service(Stack.INVENTORY).baseUrl(),
                "payment", stack.service(Stack.PAYMENT).baseUrl()));
        long t0 = System.nanoTime();
        sampler.start();
        try {
            place(protocol, orders, latency);
        } finally {
            sampler.stop();
        }
        long wallMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        Snapshot after = Checker.awaitQuiet(dbs, settings.quiet(), progress);
        CheckResult check = Checker.check(before, after, history);
        ContentionRow row = ContentionRow.of(protocol, policy, settings, history.ops(), retries() - retriesBefore,
                Math.round(lockTimeouts() - timeoutsBefore), sampler.cycles(), sampler.longestWaitMs(), latency, wallMs,
                check);
        progress.accept("  " + row.summary());
        return row;
    }

    /**
     * Orders that touch no shared row (a product and an account per client), not counted: a service just restarted
     * runs its first orders slowly (class loading, the JIT), and that is not what the experiment measures.
     */
    private void warmUp(String protocol) throws InterruptedException {
        Orders orders = new Orders(stack.service(Stack.COORDINATOR).baseUrl(), stack.service(Stack.SAGA_ORCHESTRATOR).baseUrl(),
                new History(), Duration.ofSeconds(60));
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < settings.clients(); c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (int i = 0; i < WARM_UP_ORDERS; i++) {
                    orders.place(client, new Order(protocol.equals("saga") ? "sequential" : protocol, warmUpSku(client), 1,
                            warmUpAccount(client), PRICE));
                }
            }, "contention-warm-up-" + c);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
    }

    /** The clients: each takes the next order until all are placed; orders and rows are drawn from the seed. */
    private void place(String protocol, Orders orders, Histogram latency) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < settings.clients(); c++) {
            int process = c;
            Random random = new Random(settings.seed() * 31 + c);
            Thread t = new Thread(() -> {
                while (next.getAndIncrement() < settings.orders()) {
                    Order order = new Order(protocol.equals("saga") ? "sequential" : protocol,
                            sku(random.nextInt(settings.skus())), 1, account(random.nextInt(settings.accounts())), PRICE);
                    long s = System.nanoTime();
                    orders.place(process, order);
                    latency.recordValue(Math.max(1, (System.nanoTime() - s) / 1_000));
                }
            }, "contention-client-" + c);
            t.start();
            clients.add(t);
        }
        for (Thread t : clients) {
            t.join();
        }
    }

    /** The experiment's products at the stock asked for, and its accounts with money for every order. */
    private void reset() throws SQLException {
        try (Connection c = dbs.connect(Db.INVENTORY); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO products (sku, name, stock) VALUES (?, ?, ?) ON CONFLICT (sku) DO UPDATE SET stock = EXCLUDED.stock")) {
            for (int i = 0; i < settings.skus(); i++) {
                ps.setString(1, sku(i));
                ps.setString(2, "Contention experiment product " + (i + 1));
                ps.setInt(3, settings.stock());
                ps.addBatch();
            }
            for (int client = 0; client < settings.clients(); client++) {
                ps.setString(1, warmUpSku(client));
                ps.setString(2, "Contention experiment warm-up product " + (client + 1));
                ps.setInt(3, WARM_UP_ORDERS);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        BigDecimal balance = PRICE.multiply(BigDecimal.valueOf(settings.orders() + 1L));
        try (Connection c = dbs.connect(Db.PAYMENT); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO accounts (id, owner, balance) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET balance = EXCLUDED.balance")) {
            for (int i = 0; i < settings.accounts(); i++) {
                ps.setString(1, account(i));
                ps.setString(2, "Contention experiment account " + (i + 1));
                ps.setBigDecimal(3, balance);
                ps.addBatch();
            }
            for (int client = 0; client < settings.clients(); client++) {
                ps.setString(1, warmUpAccount(client));
                ps.setString(2, "Contention experiment warm-up account " + (client + 1));
                ps.setBigDecimal(3, PRICE.multiply(BigDecimal.valueOf(WARM_UP_ORDERS)));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Attempts after the first that the coordinator has logged: each is one retry after lock conflicts. */
    private long retries() throws SQLException {
        return dbs.number(Db.COORDINATOR, "SELECT count(*) FROM transactions WHERE attempt > 1").longValue();
    }

    /**
     * Prepares that waited until their time ran out, on both participants ({@code pledge_lock_conflicts_total} with
     * outcome {@code time_out}): how every cycle of waits ends under the wait policy, and what the other policies
     * never leave to happen.
     */
    private double lockTimeouts() throws IOException, InterruptedException {
        double total = 0;
        for (String participant : List.of(Stack.INVENTORY, Stack.PAYMENT)) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.service(participant).baseUrl()
                    + "/q/metrics")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("pledge_lock_conflicts_total{") && line.contains("outcome=\"time_out\"")) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return total;
    }
}
