package dev.pledge.chaos.campaign;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import dev.pledge.chaos.check.Checker;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.net.FaultProxy;
import dev.pledge.chaos.net.Redelivery;
import dev.pledge.stack.KafkaLogin;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Sleeper;
import dev.pledge.stack.Stack;
import dev.pledge.stack.StackException;

/**
 * Message faults under concurrent load. The coordinator is restarted to reach each participant through
 * a {@link FaultProxy} that drops, delays, reorders and duplicates a share of the requests and responses
 * (prepare, votes, pre-commit, decisions, heartbeats, 3PC peers' questions); a {@link Redelivery} publishes
 * a share of the saga commands, replies and events again; and every few seconds a Kafka consumer (the
 * orchestrator or a participant) is killed before it commits its offsets, so the broker delivers again
 * what it had handled. Afterwards the coordinator goes back to reaching the participants directly.
 */
final class MessageCampaign implements Campaign {
    /** The share of HTTP messages between coordinator and participants that meet a fault. */
    static final double HTTP_FAULT_RATE = 0.10;
    /** The share of saga records published a second time. */
    static final double REDELIVERY_RATE = 0.10;
    /** Longer than the coordinator's call timeout (5 s) plus its guard's extra second. */
    static final Duration SILENCE = Duration.ofSeconds(7);

    /** Kills of Kafka consumers, as SIGKILL or as a halt between handling a record and committing its offset. */
    static final List<CrashCampaign.Fault> CONSUMER_FAULTS = List.of(
            new CrashCampaign.Fault(Stack.SAGA_ORCHESTRATOR, null),
            new CrashCampaign.Fault(Stack.SAGA_ORCHESTRATOR, "before-reply-commit"),
            new CrashCampaign.Fault(Stack.INVENTORY, null),
            new CrashCampaign.Fault(Stack.INVENTORY, "after-saga-effect"),
            new CrashCampaign.Fault(Stack.PAYMENT, null),
            new CrashCampaign.Fault(Stack.PAYMENT, "after-saga-effect"));

    @Override
    public CampaignRow run(Stack stack, Settings settings, Consumer<String> progress) throws Exception {
        Random random = new Random(settings.seed());
        List<CrashCampaign.Fault> schedule = new ArrayList<>(CONSUMER_FAULTS);
        Collections.shuffle(schedule, random);
        Rounds rounds = new Rounds(stack, settings, progress);
        QuarkusService direct = stack.service(Stack.COORDINATOR);
        try (FaultProxy inventory = proxy(stack, Stack.INVENTORY, settings.seed() * 31 + 1, progress);
             FaultProxy payment = proxy(stack, Stack.PAYMENT, settings.seed() * 31 + 2, progress);
             Redelivery redelivery = new Redelivery(bootstrap(stack), REDELIVERY_RATE, settings.seed() * 31 + 3, progress)) {
            QuarkusService proxied = direct.withEnvironment(Map.of(
                    "PLEDGE_PARTICIPANTS_INVENTORY_URL", inventory.url(),
                    "PLEDGE_PARTICIPANTS_PAYMENT_URL", payment.url()));
            progress.accept("restarting the coordinator to reach inventory through " + inventory.url()
                    + " and payment through " + payment.url());
            Thread restore = new Thread(() -> Faults.swap(proxied, direct, line -> { }), "restore-coordinator");
            Runtime.getRuntime().addShutdownHook(restore);
            try {
                Faults.swap(direct, proxied, progress);
                redelivery.start();
                int[] next = {0};
                rounds.runAll(r -> {
                    int round = r.number();
                    Faults faults = r.faults();
                    long before = inventory.injectedTotal() + payment.injectedTotal() + redelivery.redelivered();
                    inventory.active(true);
                    payment.active(true);
                    redelivery.active(true);
                    int kills = 0;
                    try {
                        for (int f = 0; f < settings.faults(); f++) {
                            Sleeper.pause(Rounds.spacing(random));
                            faults.reviveAll();
                            CrashCampaign.Fault fault = schedule.get(next[0]++ % schedule.size());
                            if (!fault.inject(faults)) {
                                rounds.problem("round " + round + ": planned fault " + fault.describe() + " was not reached");
                                continue;
                            }
                            kills++;
                            rounds.restartAndMeasure(faults, fault.target(), fault.describe());
                        }
                        if (settings.faults() == 0) {
                            Sleeper.pause(Duration.ofSeconds(10)); // message faults alone still get a while
                        }
                    } finally {
                        inventory.active(false);
                        payment.active(false);
                        redelivery.active(false);
                    }
                    long messages = inventory.injectedTotal() + payment.injectedTotal() + redelivery.redelivered() - before;
                    progress.accept("  after round " + round + ", HTTP faults so far to inventory " + inventory.injected()
                            + ", to payment " + payment.injected() + "; Kafka records published again so far: "
                            + redelivery.redelivered() + " of " + redelivery.seen() + " read; consumers killed this round: " + kills);
                    return (int) messages + kills;
                });
                // anything logged with a proxy's address must end before the proxies go away
                Checker.awaitQuiet(Databases.of(stack), settings.quiet(), progress);
            } finally {
                progress.accept("restarting the coordinator to reach the participants directly");
                Faults.swap(proxied, direct, progress);
                Runtime.getRuntime().removeShutdownHook(restore);
            }
        }
        return rounds.row(Name.MESSAGES);
    }

    private static FaultProxy proxy(Stack stack, String participant, long seed, Consumer<String> progress)
            throws java.io.IOException {
        return new FaultProxy(participant, URI.create(stack.service(participant).baseUrl()), HTTP_FAULT_RATE,
                List.of(FaultProxy.Fault.values()), SILENCE, seed, progress);
    }

    /** The operator's login: redelivery is one of the operator's tools. */
    private static KafkaLogin bootstrap(Stack stack) {
        return stack.kafka().login(KafkaLogin.OPERATOR);
    }
}
