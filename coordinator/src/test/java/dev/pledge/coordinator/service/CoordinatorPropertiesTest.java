package dev.pledge.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;
import dev.pledge.coordinator.service.SimWorld.Fault;
import dev.pledge.coordinator.service.SimWorld.Script;

/**
 * Thousands of generated runs of the real coordinator code (2PC and 3PC) through lost requests, lost
 * replies, crashes at every named point and between any two log or network operations (with or without a
 * crash of the database that loses the unforced writes), restarts with recovery, participants asking about
 * branches the log lost, and 3PC participants terminating on their own. In every run: no decision message leaves
 * before its decision is logged, a logged decision never changes, the transaction ends, it commits only
 * if everyone voted YES, and every participant ends the way the log says.
 */
class CoordinatorPropertiesTest {
    private static final List<String> CRASH_POINTS = List.of("before-prepare", "after-first-prepare", "after-votes",
            "after-decision", "after-first-commit", "after-first-precommit", "after-precommits", "after-first-docommit");

    @Property(tries = 3000)
    void aDecisionIsLoggedBeforeItIsSentAndNeverChanges(@ForAll("scripts") Script script) {
        SimWorld world = new SimWorld(script);
        UUID id = world.play();

        SimChecks.endsAsTheLogSays(world, script, id);
    }

    @Property // jqwik enumerates both protocols
    void withoutFaultsEveryoneYesCommits(@ForAll("protocols") Protocol protocol) {
        SimWorld world = new SimWorld(new Script(protocol, SimWorld.votes(true, true), List.of(), Set.of(), Set.of(),
                SimWorld.Participants.QUIET, false));
        UUID id = world.play();
        assertThat(world.log().entry(id).history).endsWith(TxState.COMMITTED).doesNotContain(TxState.ABORTING);
        assertThat(world.crashes()).isZero();
    }

    @Provide
    Arbitrary<Protocol> protocols() {
        return Arbitraries.of(Protocol.class);
    }

    @Provide
    Arbitrary<Script> scripts() {
        return anyScript();
    }

    /** Also the scripts of {@link ReplicaTakeoverPropertiesTest}, where the first stop halts the replica that began. */
    static Arbitrary<Script> anyScript() {
        Arbitrary<Boolean> vote = Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false));
        Arbitrary<Fault> fault = Arbitraries.frequency(Tuple.of(4, Fault.DELIVER), Tuple.of(1, Fault.LOSE_REQUEST),
                Tuple.of(1, Fault.LOSE_REPLY));
        return Combinators.combine(
                Arbitraries.of(Protocol.class),
                vote, vote,
                fault.list().ofMaxSize(12),
                Arbitraries.of(CRASH_POINTS).set().ofMaxSize(2),
                Arbitraries.integers().between(1, 40).set().ofMaxSize(2),
                participantPlans(),
                Arbitraries.of(true, false))
                .as((protocol, inventory, payment, faults, points, operations, participants, database) -> new Script(protocol,
                        SimWorld.votes(inventory, payment), faults, points, operations, participants, database));
    }

    /** Participants that terminate (or not), interleaved with recovery, and up to two crashes and restarts. */
    static Arbitrary<SimWorld.Participants> participantPlans() {
        Arbitrary<SimWorld.Crash> crash = Combinators.combine(Arbitraries.of("inventory", "payment"),
                Arbitraries.integers().between(1, 40), Arbitraries.integers().between(1, 40)).as(SimWorld.Crash::new);
        return Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 80).set().ofMaxSize(40),
                Arbitraries.longs(),
                crash.list().ofMaxSize(2).uniqueElements(SimWorld.Crash::participant))
                .as(SimWorld.Participants::new);
    }
}
