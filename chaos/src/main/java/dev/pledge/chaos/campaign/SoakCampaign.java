package dev.pledge.chaos.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Consumer;

import dev.pledge.chaos.campaign.Sampler.Sample;
import dev.pledge.chaos.net.Redelivery;
import dev.pledge.stack.KafkaLogin;
import dev.pledge.stack.Processes;
import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;

/**
 * Sustained load for a set time, with a fault every few seconds that the services live through (a PostgreSQL
 * server or the Kafka broker killed and restarted, a service frozen for a few seconds with SIGSTOP, Kafka
 * records delivered twice), while a {@link Sampler} watches memory and what is in doubt. Memory must not
 * grow (each service's heap after a full collection, at the start and at the end) and what is in doubt must
 * not pile up (the second half of the soak against the first); then the usual check.
 */
final class SoakCampaign implements Campaign {
    static final List<String> KILLED = List.of(Stack.PG_COORDINATOR, Stack.PG_INVENTORY, Stack.PG_PAYMENT, Stack.PG_SAGA,
            Stack.KAFKA);
    static final double REDELIVERY_RATE = 0.05;
    /** Heap after a full collection may end this much above where it started: more is a leak. */
    static final double HEAP_GROWTH = 1.5;
    static final long HEAP_SLACK_MB = 16;
    /** Two minutes of samples. */
    static final int MIN_SAMPLES_TO_JUDGE = 24;

    /** One fault: a kill of an infrastructure process, or a freeze of a service. */
    record Fault(String target, boolean freeze) {
        String describe() {
            return freeze ? "SIGSTOP " + target : "kill -9 " + target;
        }
    }

    @Override
    public CampaignRow run(Stack stack, Settings settings, Consumer<String> progress) throws Exception {
        Random random = new Random(settings.seed());
        List<Fault> schedule = new ArrayList<>();
        KILLED.forEach(t -> schedule.add(new Fault(t, false)));
        Sampler.SERVICES.forEach(s -> schedule.add(new Fault(s, true)));
        Collections.shuffle(schedule, random);
        Rounds rounds = new Rounds(stack, settings, progress);
        Thread thaw = new Thread(() -> thawAll(stack), "soak-thaw");
        Runtime.getRuntime().addShutdownHook(thaw);
        try (Redelivery redelivery = new Redelivery(stack.kafka().login(KafkaLogin.OPERATOR), REDELIVERY_RATE, settings.seed() * 31 + 3, progress);
             Sampler sampler = new Sampler(stack, progress)) {
            progress.accept("soak of " + describe(settings.duration()) + " per round: each service's heap after a full collection");
            Map<String, Long> heapBefore = sampler.heapAfterFullGc();
            progress.accept("  " + heapBefore + " MB");
            sampler.start();
            redelivery.start();
            redelivery.active(true);
            int[] next = {0};
            rounds.runAll(r -> {
                long end = System.nanoTime() + settings.duration().toNanos();
                int injected = 0;
                while (true) {
                    Duration wait = Duration.ofMillis(3000 + random.nextInt(3000));
                    if (System.nanoTime() + wait.toNanos() >= end) {
                        Rounds.sleepUntil(end);
                        break;
                    }
                    Sleeper.pause(wait);
                    r.faults().reviveAll();
                    Fault fault = schedule.get(next[0]++ % schedule.size());
                    if (fault.freeze()) {
                        freeze(stack, fault.target(), Duration.ofMillis(2000 + random.nextInt(2000)), progress);
                    } else {
                        r.faults().kill(fault.target());
                        rounds.restartAndMeasure(r.faults(), fault.target(), fault.describe());
                    }
                    injected++;
                }
                return injected;
            });
            redelivery.active(false);
            sampler.close();
            progress.accept("records delivered twice: " + redelivery.redelivered() + " of " + redelivery.seen() + " read");
            Map<String, Long> heapAfter = sampler.heapAfterFullGc();
            sampler.save(settings.output().resolve("soak-" + settings.seed() + ".csv"));
            judgeMemory(sampler.samples(), heapBefore, heapAfter, rounds);
            judgeInDoubt(sampler.samples(), rounds);
            rounds.finding("samples every " + Sampler.INTERVAL.toSeconds() + " s: " + settings.output().resolve("soak-"
                    + settings.seed() + ".csv"));
        } finally {
            thawAll(stack);
            Runtime.getRuntime().removeShutdownHook(thaw);
        }
        return rounds.row(Name.SOAK);
    }

    /** Freezes a service (as a long pause of the whole process would) and lets it go on. */
    private static void freeze(Stack stack, String service, Duration pause, Consumer<String> progress) {
        OptionalLong pid = stack.service(service).runningPid();
        if (pid.isEmpty()) {
            return;
        }
        Processes.signal(pid.getAsLong(), "STOP");
        try {
            progress.accept("froze " + service + " (pid " + pid.getAsLong() + ", SIGSTOP) for " + pause.toMillis() + " ms");
            Sleeper.pause(pause);
        } finally {
            Processes.signal(pid.getAsLong(), "CONT");
        }
    }

    /** Lets every frozen service go on: after a failure, or when the soak is stopped with Ctrl-C. */
    private static void thawAll(Stack stack) {
        for (String service : Sampler.SERVICES) {
            stack.service(service).runningPid().ifPresent(pid -> {
                try {
                    Processes.signal(pid, "CONT");
                } catch (RuntimeException e) {
                    // gone meanwhile
                }
            });
        }
    }

    static void judgeMemory(List<Sample> samples, Map<String, Long> before, Map<String, Long> after, Rounds rounds) {
        for (String service : Sampler.SERVICES) {
            long start = before.getOrDefault(service, -1L);
            long end = after.getOrDefault(service, -1L);
            List<Long> rss = samples.stream().map(s -> s.rssMb().get(service)).filter(v -> v >= 0).toList();
            String resident = rss.isEmpty() ? "resident memory not read"
                    : String.format(Locale.ROOT, "resident %d MB at the first sample, %d MB at the last (%d-%d)", rss.get(0),
                    rss.get(rss.size() - 1), Collections.min(rss), Collections.max(rss));
            if (start < 0 || end < 0) {
                rounds.finding(service + ": heap after a full collection not taken (jcmd missing or the service down); " + resident);
                continue;
            }
            rounds.finding(String.format(Locale.ROOT, "%s: heap after a full collection %d MB before, %d MB after; %s", service,
                    start, end, resident));
            if (end > start * HEAP_GROWTH + HEAP_SLACK_MB) {
                rounds.problem(service + "'s heap after a full collection grew from " + start + " MB to " + end + " MB");
            }
        }
    }

    /**
     * What is in doubt must not pile up: the second half's mean may not exceed twice the first's plus five.
     * Judged from two minutes of samples on: in a shorter soak one slow recovery outweighs any trend.
     */
    static void judgeInDoubt(List<Sample> samples, Rounds rounds) {
        List<Sample> read = samples.stream().filter(s -> s.prepared() >= 0 && s.unfinishedTx() >= 0 && s.unfinishedSagas() >= 0)
                .toList();
        if (read.size() < 4) {
            rounds.finding("in doubt: too few samples to compare (" + read.size() + ")");
            return;
        }
        List<Sample> first = read.subList(0, read.size() / 2);
        List<Sample> second = read.subList(read.size() / 2, read.size());
        double a = mean(first);
        double b = mean(second);
        rounds.finding(String.format(Locale.ROOT, "in doubt (prepared branches, unfinished transactions and sagas), %d samples:"
                + " first half mean %.1f, max %d; second half mean %.1f, max %d", read.size(), a, max(first), b, max(second)));
        if (read.size() < MIN_SAMPLES_TO_JUDGE) {
            rounds.finding("in doubt: not judged, fewer than " + MIN_SAMPLES_TO_JUDGE + " samples (a soak under two minutes)");
        } else if (b > 2 * a + 5) {
            rounds.problem(String.format(Locale.ROOT, "what is in doubt piled up: mean %.1f in the first half, %.1f in the second", a, b));
        }
    }

    private static double mean(List<Sample> samples) {
        return samples.stream().mapToInt(Sample::inDoubt).average().orElse(0);
    }

    private static int max(List<Sample> samples) {
        return samples.stream().mapToInt(Sample::inDoubt).max().orElse(0);
    }

    static String describe(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
    }
}
