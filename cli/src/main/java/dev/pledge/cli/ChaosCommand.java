package dev.pledge.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.pledge.chaos.campaign.Campaign;
import dev.pledge.chaos.campaign.CampaignRow;
import dev.pledge.chaos.campaign.Settings;
import dev.pledge.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Run a fault campaign against the local stack: concurrent orders while faults are injected,",
                "then an independent check of every database (atomicity, conservation of stock and money, the",
                "clients' history, nothing left in doubt). Prints the campaign's row of docs/reliability.md."},
        footer = {"", "Campaigns:",
                "  crash     SIGKILL of each service, PostgreSQL server and the Kafka broker, and a halt at each",
                "            named crash point the load reaches, in an order and at moments the seed decides; each",
                "            restarted. A planned crash point that is not reached fails the campaign.",
                "  3pc-crashes  under 3PC load, the coordinator halts at a 3PC crash point the seed chooses and",
                "            restarts 0-5 s later; meanwhile inventory or payment is killed and restarted 0-10 s",
                "            later. No split is excused. --faults counts these episodes.",
                "  messages  the coordinator reaches the participants through a fault proxy that drops, delays,",
                "            reorders and duplicates 10%% of the HTTP messages; 10%% of the saga records are",
                "            published again; every few seconds a Kafka consumer dies before committing offsets.",
                "            --faults counts the consumer kills; the row counts every fault.",
                "  partitions (root only) inventory runs in a network namespace of its own and is cut off from",
                "            the coordinator, payment and Kafka, then healed: once per protocol right after the",
                "            decision is logged (2PC must block until healing; 3PC splits, as its model predicts),",
                "            then --faults cuts at random moments per protocol, alone and with a coordinator crash",
                "            (default 3). Reports split rates and the branches held until healing.",
                "  bad-input named bad requests (malformed, mistyped, oversized, out of range, unknown ids,",
                "            wrong methods and content types), --faults generated bodies per endpoint, and",
                "            bad credentials on every endpoint that checks its caller (--faults/40 rounds of none,",
                "            expired, too old, for another service, untrusted key, altered, unsigned, wrong role):",
                "            each must get a 4xx problem answer and change no row; then repeated begins with one",
                "            Idempotency-Key, an abort before its prepare, a repeated prepare, and a poison",
                "            record on each saga topic, which must reach its dead-letter topic.",
                "  soak      load for --duration (default 10m) with a fault every 3-6 s that the services live",
                "            through: a PostgreSQL server or the Kafka broker killed and restarted, a service",
                "            frozen 2-4 s (SIGSTOP), 5%% of the saga records delivered twice. Memory and what is in",
                "            doubt are sampled every 5 s and must stay flat: each service's heap after a full",
                "            collection (jcmd), before and after, and the in-doubt count, first half against second.",
                "The same seed, rounds, faults and clients replay the same faults in the same order.",
                "Exit codes: 0 every invariant holds, 1 one does not or an error, 2 bad usage,",
                "3 this machine cannot run the campaign (the message says why)."})
final class ChaosCommand implements Callable<Integer> {
    /** Exit code when this machine cannot run the campaign asked for. */
    static final int CANNOT_RUN = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--campaign", required = true, paramLabel = "NAME", description = "The campaign: crash, 3pc-crashes, messages, partitions, bad-input or soak.")
    String campaign;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rounds", defaultValue = "1", paramLabel = "N",
            description = "Check rounds, 1-100; each runs load with faults, waits for quiet and checks (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--faults", paramLabel = "N",
            description = "Faults per round, 0-100000 (default 6; partitions 3); for bad-input, generated bodies per endpoint"
                    + " (default 1000).")
    Integer faultsOption;
    int faults;

    @Option(names = "--hot-rows", description = "Every order for one of two products, paid from one of two accounts, so"
            + " orders contend for the same rows in both databases (default: four products and a hundred accounts).")
    boolean hotRows;

    @Option(names = "--clients", defaultValue = "4", paramLabel = "N", description = "Concurrent clients, 1-64 (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--protocols", defaultValue = "2pc,3pc,sequential,parallel", split = ",", paramLabel = "LIST",
            description = "What the clients use: 2pc, 3pc, sequential, parallel, forward-recovery, choreography (default ${DEFAULT-VALUE}).")
    List<String> protocols;

    @Option(names = "--quiet-deadline", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long everything may take to resolve once the load stops (default ${DEFAULT-VALUE}).")
    int quietSeconds;

    @Option(names = "--duration", defaultValue = "10m", paramLabel = "TIME",
            description = "For soak: how long each round's load runs, e.g. 90s, 10m, 2h; 10s to 24h (default ${DEFAULT-VALUE}).")
    String durationText;

    @Option(names = "--json", description = "Print the row as JSON.")
    boolean json;

    private static final List<String> PROTOCOLS = List.of("2pc", "3pc", "sequential", "parallel", "forward-recovery",
            "choreography");

    @Override
    public Integer call() throws Exception {
        Campaign.Name name = Campaign.Name.of(campaign).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--campaign must be one of " + Campaign.Name.labels() + ", not '" + campaign + "'"));
        faults = faultsOption != null ? faultsOption
                : name == Campaign.Name.BAD_INPUT ? 1000 : name == Campaign.Name.PARTITIONS ? 3 : 6;
        validate();
        Duration duration = duration();
        check(name != Campaign.Name.SOAK || faultsOption == null,
                "the soak injects a fault every 3-6 s for --duration; it takes no --faults");
        if (name == Campaign.Name.THREE_PC_CRASHES) {
            check(protocols.contains("3pc"), "the 3pc-crashes campaign runs 3PC orders: keep 3pc in --protocols");
            protocols = List.of("3pc");
        }
        if (name == Campaign.Name.PARTITIONS) {
            // partitions cut 2PC and 3PC transactions; saga flows are left out
            protocols = protocols.stream().filter(p -> p.equals("2pc") || p.equals("3pc")).toList();
            check(!protocols.isEmpty(), "the partitions campaign needs 2pc or 3pc in --protocols");
        }
        Optional<Stack> running = StackOptions.running();
        if (running.isEmpty()) {
            return Pledge.ERROR;
        }
        Stack stack = running.get();
        Path output = stack.config().stateDir().resolve("chaos");
        Settings settings = new Settings(seed, rounds, faults, clients, protocols, Duration.ofSeconds(quietSeconds), output,
                duration, hotRows);
        boolean badInput = name == Campaign.Name.BAD_INPUT;
        if (badInput) {
            System.err.printf("Campaign bad-input, seed %d: named cases and %d generated bodies per endpoint%n", seed, faults);
        } else if (name == Campaign.Name.SOAK) {
            System.err.printf("Campaign soak, seed %d: %d round(s) of %s under %d clients (%s)%n", seed, rounds, durationText,
                    clients, String.join(", ", protocols));
        } else {
            System.err.printf("Campaign %s, seed %d: %d round(s) of %d faults under %d clients (%s)%n", name.label(), seed,
                    rounds, faults, clients, String.join(", ", protocols));
        }
        CampaignRow row;
        try {
            row = name.create().run(stack, settings, line -> System.err.println(line));
        } catch (Campaign.CannotRun e) {
            System.err.println("cannot run the " + name.label() + " campaign here: " + e.getMessage());
            return CANNOT_RUN;
        }
        if (json) {
            ObjectNode out = Api.JSON.valueToTree(row);
            System.out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        } else {
            System.out.println(CampaignRow.HEADER);
            System.out.println(CampaignRow.RULE);
            System.out.println(row.markdown());
            row.findings().forEach(f -> System.out.println("  * " + f));
            row.problems().forEach(p -> System.out.println("  ! " + p));
            if (!badInput) {
                System.out.println("Histories (one JSON line per client operation): " + output);
            }
        }
        return row.clean() ? 0 : Pledge.ERROR;
    }

    private void validate() {
        check(rounds >= 1 && rounds <= 100, "--rounds must be between 1 and 100, not " + rounds);
        check(faults >= 0 && faults <= 100_000, "--faults must be between 0 and 100000, not " + faults);
        check(clients >= 1 && clients <= 64, "--clients must be between 1 and 64, not " + clients);
        check(quietSeconds >= 10 && quietSeconds <= 3600, "--quiet-deadline must be between 10 and 3600, not " + quietSeconds);
        for (String p : protocols) {
            check(PROTOCOLS.contains(p), "--protocols takes " + String.join(", ", PROTOCOLS) + ", not '" + p + "'");
        }
    }

    /** --duration as a number and a unit (s, m, h); a bare number counts seconds. */
    private Duration duration() {
        Optional<Duration> parsed = DurationArg.parse(durationText);
        check(parsed.isPresent(), "--duration takes a number and a unit, e.g. 90s, 10m or 2h, not '" + durationText + "'");
        Duration d = parsed.get();
        check(d.compareTo(Duration.ofSeconds(10)) >= 0 && d.compareTo(Duration.ofHours(24)) <= 0,
                "--duration must be between 10s and 24h, not " + durationText);
        return d;
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
