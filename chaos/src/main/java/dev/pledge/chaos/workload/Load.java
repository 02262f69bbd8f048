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
 * 3PC and saga flows over a few products and the hundred load accounts.
 */
public final class Load {
    /** The load products (deep stock, so orders do not sell out); few of them, so orders contend for rows. */
    static final List<String> SKUS = List.of("LOAD-001", "LOAD-002", "LOAD-003", "LOAD-004");

    /** How long a client waits after its connection was refused: long enough not to spin on a dead service. */
    static final java.time.Duration REFUSED_BACKOFF = java.time.Duration.ofMillis(200);

    private final Orders orders;
    private final List<String> protocols;
    private final long seed;
    private final int clients;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong placed = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    public Load(Orders orders, List<String> protocols, int clients, long seed) {
        this.orders = orders;
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
                    if (op.type() == Op.Type.FAIL && op.detail().startsWith(Orders.REFUSED)) {
                        Sleeper.pause(REFUSED_BACKOFF); // a client backs off from a service that is down
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
        return order(protocols.get(random.nextInt(protocols.size())), random);
    }

    /** One load order for a protocol: a load product, a load account, 0.01 to 0.05. */
    public static Order order(String protocol, Random random) {
        String sku = SKUS.get(random.nextInt(SKUS.size()));
        String account = String.format("acc-load-%03d", 1 + random.nextInt(100));
        // 0.01 to 0.05: the 100 load accounts (100.00 each) pay for some 300,000 orders before running dry
        BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(5), 2);
        return new Order(protocol, sku, 1, account, amount);
    }
}
