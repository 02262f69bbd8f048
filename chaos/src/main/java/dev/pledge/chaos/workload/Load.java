package dev.pledge.chaos.workload;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.pledge.chaos.history.Op;
import dev.pledge.chaos.workload.Orders.Order;
import dev.pledge.stack.Sleeper;

/**
 * Closed-loop clients placing orders until stopped, each with its own seeded random stream: a mix of 2PC,
 * 3PC and saga flows over a few products and the hundred load accounts, or, with hot rows, over two products
 * and two accounts, so that orders contend for the same rows in both databases.
 */
public final class Load {
    /** The load products (deep stock, so orders do not sell out); few of them, so orders contend for rows. */
    static final List<String> SKUS = List.of("LOAD-001", "LOAD-002", "LOAD-003", "LOAD-004");

    /** With hot rows: the products and accounts every order shares. */
    static final int HOT_ROWS = 2;

    /**
     * How long a client waits after its connection was refused or it was answered 503 (a coordinator not yet sure
     * of its lease after a restart): long enough not to spin on a service that cannot take orders.
     */
    static final java.time.Duration REFUSED_BACKOFF = java.time.Duration.ofMillis(200);

    private final Orders orders;
    private final List<String> protocols;
    private final long seed;
    private final int clients;
    private final boolean hotRows;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong placed = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    public Load(Orders orders, List<String> protocols, int clients, long seed, boolean hotRows) {
        this.orders = orders;
        this.hotRows = hotRows;
        this.protocols = List.copyOf(protocols);
        this.clients = clients;
        this.seed = seed;
    }

    public void start() {
        running.set(true);
        for (int c = 0; c < clients; c++) {
            int process = c;
            Random random = new Random(seed * 31 + c);
            Thread t = new Thread(() -> {
                while (running.get()) {
                    Order order = next(random);
                    inFlight.incrementAndGet();
                    Op op;
                    try {
                        op = orders.place(process, order);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                    placed.incrementAndGet();
                    if (Orders.unavailable(op)) {
                        Sleeper.pause(REFUSED_BACKOFF); // a client backs off from a service that is down or unready
                    }
                }
            }, "chaos-client-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** Stops the clients and waits for each one's order in flight to complete. */
    public void stop() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public long placed() {
        return placed.get();
    }

    /** Clients inside an order right now: placed, not yet answered. */
    public int inFlight() {
        return inFlight.get();
    }

    private Order next(Random random) {
        return order(protocols.get(random.nextInt(protocols.size())), random, hotRows);
    }

    /** One load order for a protocol: a load product, a load account, 0.01 to 0.05. */
    public static Order order(String protocol, Random random) {
        return order(protocol, random, false);
    }

    /** One load order; with hot rows, one of the first two load products and one of the first two accounts. */
    static Order order(String protocol, Random random, boolean hotRows) {
        String sku = SKUS.get(random.nextInt(hotRows ? HOT_ROWS : SKUS.size()));
        String account = String.format("acc-load-%03d", 1 + random.nextInt(hotRows ? HOT_ROWS : 100));
        // 0.01 to 0.05: the 100 load accounts (100.00 each) pay for some 300,000 orders before running dry
        BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(5), 2);
        return new Order(protocol, sku, 1, account, amount);
    }
}
