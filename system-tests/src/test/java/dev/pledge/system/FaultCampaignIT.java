package dev.pledge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.pledge.chaos.campaign.Campaign;
import dev.pledge.chaos.campaign.CampaignRow;
import dev.pledge.chaos.campaign.Settings;
import dev.pledge.chaos.net.Partition;
import dev.pledge.stack.Stack;

/**
 * The fault campaigns against a whole stack, checked by the independent checker. Every build runs a small
 * version; {@code ./mvnw verify -Pfault} runs the full one (every fault, several rounds). The seed,
 * rounds, faults and clients come from {@code pledge.fault.*} system properties so a failing run can be
 * replayed with {@code ./pledge chaos}.
 */
class FaultCampaignIT {
    private static Stack stack;

    @BeforeAll
    static void up() throws Exception {
        stack = TestStacks.up("fault-campaign", Map.of());
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.down(System.out::println, false);
        }
    }

    @Test
    void crashesOfEveryProcessKeepEveryInvariant() throws Exception {
        run(Campaign.Name.CRASH, "pledge.fault.faults", 5);
    }

    @Test
    void lostDuplicatedDelayedAndReorderedMessagesKeepEveryInvariant() throws Exception {
        CampaignRow row = run(Campaign.Name.MESSAGES, "pledge.fault.faults", 3);
        assertThat(row.faults()).as("message faults come on top of the consumer kills").isGreaterThan(3);
    }

    @Test
    void aPartitionBlocksTwoPhaseCommitUntilHealingAndSplitsThreePhaseCommitAtTheChosenMoment() throws Exception {
        Assumptions.assumeTrue(Partition.unavailable().isEmpty(), () -> "skipped: " + Partition.unavailable().orElse(""));
        CampaignRow row = run(Campaign.Name.PARTITIONS, "pledge.fault.cuts", 1);
        assertThat(row.findings()).anySatisfy(f -> assertThat(f).startsWith("2pc, chosen moment").contains("blocked until healing"));
        assertThat(row.findings()).anySatisfy(f -> assertThat(f).startsWith("3pc, chosen moment").contains("MIXED"));
        assertThat(row.atomicityViolations()).as("3PC's split at the chosen moment").isGreaterThanOrEqualTo(1);
        assertThat(row.findings()).as("one line per protocol and kind of random cut")
                .filteredOn(f -> f.contains("cuts with")).hasSize(4);
    }

    @Test
    void aSoakWithAFaultEveryFewSecondsKeepsMemoryAndWhatIsInDoubtFlat() throws Exception {
        CampaignRow row = run(Campaign.Name.SOAK, "pledge.fault.none", 0);
        // 3-6 s between faults, each followed by its restart and the wait for what it left in doubt
        assertThat(row.faults()).as("faults in a minute").isGreaterThanOrEqualTo(3);
        assertThat(row.findings()).as("memory per service, in doubt (reported, too short to judge), the samples' file")
                .hasSize(7);
        assertThat(row.findings()).anySatisfy(f -> assertThat(f).startsWith("coordinator: heap after a full collection")
                .doesNotContain("not taken"));
    }

    @Test
    void badInputIsRefusedWithProblemsAndChangesNothing() throws Exception {
        CampaignRow row = run(Campaign.Name.BAD_INPUT, "pledge.fault.bodies", 150);
        assertThat(row.transactions()).as("requests: the named cases plus the generated bodies for each of 8 endpoints")
                .isGreaterThan(8L * Integer.getInteger("pledge.fault.bodies", 150) + 80);
    }

    /**
     * @param faultsProperty the system property that sets this campaign's faults (crash and messages: faults
     *                       per round; partitions: cuts per protocol and kind; bad-input: bodies per endpoint)
     */
    private static CampaignRow run(Campaign.Name campaign, String faultsProperty, int defaultFaults) throws Exception {
        Settings settings = new Settings(Long.getLong("pledge.fault.seed", 7), Integer.getInteger("pledge.fault.rounds", 1),
                Integer.getInteger(faultsProperty, defaultFaults), Integer.getInteger("pledge.fault.clients", 4),
                List.of("2pc", "3pc", "sequential", "parallel"), Duration.ofSeconds(120),
                Path.of("target", "fault-campaign", campaign.label()).toAbsolutePath(),
                Duration.ofSeconds(Long.getLong("pledge.fault.duration", 60)));
        System.out.println(campaign.label() + " campaign, replay with: ./pledge chaos --campaign " + campaign.label()
                + " --seed " + settings.seed() + " --rounds " + settings.rounds() + (campaign == Campaign.Name.SOAK
                ? " --duration " + settings.duration().toSeconds() + "s" : " --faults " + settings.faults())
                + " --clients " + settings.clients());

        CampaignRow row = campaign.create().run(stack, settings, System.out::println);

        System.out.println(CampaignRow.HEADER + "\n" + CampaignRow.RULE + "\n" + row.markdown());
        assertThat(row.problems()).as("seed %d", settings.seed()).isEmpty();
        assertThat(row.faults()).as("faults that really happened").isGreaterThanOrEqualTo(settings.faults() * settings.rounds() / 2);
        assertThat(row.committed()).as("orders that committed through the faults").isPositive();
        return row;
    }
}
