package dev.pledge.chaos.workload;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.pledge.chaos.workload.Orders.Order;

/**
 * Closed-loop clients placing orders until stopped, each with its own seeded random stream: a mix of 2PC,
 * 3PC and saga flows over a few products and the hundred load accounts.
 */
public final class Load {
    /** The load products (deep stock, so orders do not sell out); few of them, so orders contend for rows. */
    static final List<String> SKUS = List.of("LOAD-001", "LOAD-002", "LOAD-003", "LOAD-004");

    private final Orders orders;
    private final List<String> protocols;
    private final long seed;
    private final int clients;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong placed = new AtomicLong();
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
                    orders.place(process, next(random));
                    placed.incrementAndGet();
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

    private Order next(Random random) {
        String protocol = protocols.get(random.nextInt(protocols.size()));
        String sku = SKUS.get(random.nextInt(SKUS.size()));
        String account = String.format("acc-load-%03d", 1 + random.nextInt(100));
        // 0.01 to 0.05: the 100 load accounts (100.00 each) pay for some 300,000 orders before running dry
        BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(5), 2);
        return new Order(protocol, sku, 1, account, amount);
    }
}
