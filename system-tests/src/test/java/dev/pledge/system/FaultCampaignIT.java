package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pledge.chaos.net.Partition;

/**
 * The fault campaigns against a whole stack, run as a user runs them ({@code ./pledge chaos ... --json}) and
 * checked by the independent checker. Every build runs a small version; {@code ./mvnw verify -Pfault} runs the
 * full one (every fault, several rounds). The seed, rounds, faults and clients come from {@code pledge.fault.*}
 * system properties; each campaign prints the command that replays it.
 */
class FaultCampaignIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEED = Long.toString(Long.getLong("pledge.fault.seed", 7));
    private static final int ROUNDS = Integer.getInteger("pledge.fault.rounds", 1);
    private static final String CLIENTS = Integer.toString(Integer.getInteger("pledge.fault.clients", 4));
    /** A full campaign (-Pfault) runs for hours; a build's small one for minutes. */
    private static final Duration LIMIT = Duration.ofHours(6);

    private static PledgeCommand pledge;

    @BeforeAll
    static void up() throws Exception {
        pledge = PledgeCommand.inFreshState("fault-campaign");
        PledgeCommand.Result up = pledge.run("up");
        assertThat(up.exitCode()).as("%s", up).isZero();
    }

    @AfterAll
    static void down() throws Exception {
        if (pledge != null) {
            pledge.run("down");
        }
    }

    @Test
    void crashesOfEveryProcessKeepEveryInvariantWithOrdersOnHotRows() throws Exception {
        int faults = Integer.getInteger("pledge.fault.faults", 5);
        JsonNode row = campaign(faults, pledge.start("chaos", "--campaign", "crash", "--seed", SEED, "--rounds", rounds(),
                "--faults", Integer.toString(faults), "--clients", CLIENTS, "--hot-rows", "--json"));
        assertThat(row.path("runs").asInt()).isEqualTo(ROUNDS);
    }

    /**
     * 3PC's termination protocol through crashes alone: the coordinator halted at a 3PC point, a participant
     * killed while it is down, each restarted at a moment the seed chooses; no split is excused.
     */
    @Test
    void threePhaseCommitStaysAtomicWhenTheCoordinatorAndAParticipantCrashTogether() throws Exception {
        int faults = Integer.getInteger("pledge.fault.faults", 3);
        JsonNode row = campaign(faults * 2, pledge.start("chaos", "--campaign", "3pc-crashes", "--seed", SEED, "--rounds",
                rounds(), "--faults", Integer.toString(faults), "--clients", CLIENTS, "--json"));
        assertThat(row.path("atomicityViolations").asInt()).isZero();
    }

    @Test
    void lostDuplicatedDelayedAndReorderedMessagesKeepEveryInvariantWithOrdersOnHotRows() throws Exception {
        int faults = Integer.getInteger("pledge.fault.faults", 3);
        JsonNode row = campaign(faults, pledge.start("chaos", "--campaign", "messages", "--seed", SEED, "--rounds", rounds(),
                "--faults", Integer.toString(faults), "--clients", CLIENTS, "--hot-rows", "--json"));
        assertThat(row.path("faults").asInt()).as("message faults come on top of the consumer kills").isGreaterThan(faults);
    }

    @Test
    void aPartitionBlocksTwoPhaseCommitUntilHealingAndSplitsThreePhaseCommitAtTheChosenMoment() throws Exception {
        Assumptions.assumeTrue(Partition.unavailable().isEmpty(), () -> "skipped: " + Partition.unavailable().orElse(""));
        int cuts = Integer.getInteger("pledge.fault.cuts", 1);
        JsonNode row = campaign(cuts, pledge.start("chaos", "--campaign", "partitions", "--seed", SEED, "--rounds", rounds(),
                "--faults", Integer.toString(cuts), "--clients", CLIENTS, "--json"));
        List<String> findings = strings(row.path("findings"));
        assertThat(findings).anySatisfy(f -> assertThat(f).startsWith("2pc, chosen moment").contains("blocked until healing"));
        assertThat(findings).anySatisfy(f -> assertThat(f).startsWith("3pc, chosen moment").contains("MIXED"));
        assertThat(row.path("atomicityViolations").asInt()).as("3PC's split at the chosen moment").isGreaterThanOrEqualTo(1);
        assertThat(findings).as("one line per protocol and kind of random cut").filteredOn(f -> f.contains("cuts with")).hasSize(4);
    }

    @Test
    void aSoakWithAFaultEveryFewSecondsKeepsMemoryAndWhatIsInDoubtFlat() throws Exception {
        JsonNode row = campaign(0, pledge.start("chaos", "--campaign", "soak", "--seed", SEED, "--rounds", rounds(),
                "--duration", Long.getLong("pledge.fault.duration", 60) + "s", "--clients", CLIENTS, "--json"));
        // 3-6 s between faults, each followed by its restart and the wait for what it left in doubt
        assertThat(row.path("faults").asInt()).as("faults in a minute").isGreaterThanOrEqualTo(3);
        List<String> findings = strings(row.path("findings"));
        assertThat(findings).as("memory per service, in doubt (reported, too short to judge), the samples' file").hasSize(7);
        assertThat(findings).anySatisfy(f -> assertThat(f).startsWith("coordinator: heap after a full collection")
                .doesNotContain("not taken"));
    }

    @Test
    void badInputIsRefusedWithProblemsAndChangesNothing() throws Exception {
        int bodies = Integer.getInteger("pledge.fault.bodies", 150);
        JsonNode row = campaign(0, pledge.start("chaos", "--campaign", "bad-input", "--seed", SEED, "--faults", Integer.toString(bodies),
                "--json"));
        assertThat(row.path("transactions").asLong()).as("requests: the named cases plus the generated bodies for each of 8 endpoints")
                .isGreaterThan(8L * bodies + 80);
    }

    private static String rounds() {
        return Integer.toString(ROUNDS);
    }

    /** Runs one campaign to its end, shows its progress and row, and checks what every campaign must hold. */
    private static JsonNode campaign(int faults, PledgeCommand.Running campaign) throws Exception {
        System.out.println(campaign.command());
        PledgeCommand.Result run = campaign.finish(LIMIT);
        System.out.println(run.err());
        assertThat(run.exitCode()).as("exit 0: every invariant holds (1: one does not)\n%s", run).isZero();
        JsonNode row = JSON.readTree(run.out());
        System.out.println(row.toPrettyString());
        assertThat(strings(row.path("problems"))).as("seed %s", SEED).isEmpty();
        assertThat(row.path("faults").asInt()).as("every planned fault happened").isGreaterThanOrEqualTo(faults * ROUNDS);
        assertThat(row.path("committed").asLong()).as("orders that committed through the faults").isPositive();
        return row;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
