package dev.pledge.chaos.contention;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** Reads the participants' waits while the orders run: the cycles seen, and the longest wait. */
final class WaitSampler {
    private final Map<String, String> participants;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Set<Set<String>> cycles = new HashSet<>();
    private long longestWaitMs;
    private Thread thread;

    WaitSampler(Map<String, String> participants) {
        this.participants = participants;
    }

    void start() {
        running.set(true);
        thread = new Thread(() -> {
            while (running.get()) {
                List<WaitForGraph.Edge> edges = WaitForGraph.edges(WaitForGraph.read(participants, new ArrayList<>()));
                synchronized (this) {
                    for (List<String> cycle : WaitForGraph.cycles(edges)) {
                        cycles.add(Set.copyOf(cycle));
                    }
                    edges.forEach(e -> longestWaitMs = Math.max(longestWaitMs, e.waitingMs()));
                }
                dev.pledge.stack.Sleeper.pause(ContentionExperiment.SAMPLE_EVERY);
            }
        }, "contention-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running.set(false);
        thread.join();
    }

    synchronized int cycles() {
        return cycles.size();
    }

    synchronized long longestWaitMs() {
        return longestWaitMs;
    }
}
