package dev.pledge.coordinator.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.protocol.Decision.Vote;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;

/**
 * The coordinator's decision log in memory: it survives a simulated crash, as the database does. It keeps
 * every state each transaction was logged in, so a test can check that a decision never changed.
 */
final class FakeLog extends DecisionLog {
    static final class Entry {
        final Protocol protocol;
        final List<BranchSpec> branches;
        final List<String> branchStates = new ArrayList<>();
        final List<TxState> history = new ArrayList<>();
        TxState state = TxState.PREPARING;

        Entry(Protocol protocol, List<BranchSpec> branches) {
            this.protocol = protocol;
            this.branches = List.copyOf(branches);
            branches.forEach(b -> branchStates.add("WORKING"));
            history.add(state);
        }

        void move(TxState target) {
            state = state.moveTo(target);
            history.add(state);
        }
    }

    private final SimWorld world;
    final Map<UUID, Entry> entries = new LinkedHashMap<>();

    FakeLog(SimWorld world) {
        this.world = world;
    }

    Entry entry(UUID id) {
        Entry e = entries.get(id);
        if (e == null) {
            throw new IllegalStateException("no transaction " + id + " in the log");
        }
        return e;
    }

    @Override
    public void begin(UUID id, Protocol protocol, List<BranchSpec> branches, Duration timeout,
            dev.pledge.common.idempotency.IdempotencyKey key) {
        world.alive("log begin");
        entries.put(id, new Entry(protocol, branches));
    }

    @Override
    public void recordVote(UUID txId, String participant, Vote vote, long millis) {
        world.alive("log vote");
        Entry e = entry(txId);
        int i = position(e, participant);
        if ("WORKING".equals(e.branchStates.get(i))) {
            e.branchStates.set(i, vote.yes() ? "PREPARED" : vote.answered() ? "ABORTED" : "UNKNOWN");
        }
    }

    @Override
    public void decide(UUID txId, Decision decision) {
        world.alive("log decision");
        Entry e = entry(txId);
        e.move(decision.loggedState(e.protocol));
    }

    @Override
    public void abortAfterTermination(UUID txId, String reason) {
        world.alive("log abort after termination");
        entry(txId).move(TxState.ABORTING);
    }

    @Override
    public void precommitted(UUID txId) {
        world.alive("log precommitted");
        entry(txId).move(TxState.COMMITTING);
    }

    @Override
    public Snapshot snapshot(UUID txId) {
        world.alive("log read");
        Entry e = entry(txId);
        return new Snapshot(txId, e.protocol, e.state, e.branches, List.copyOf(e.branchStates), null);
    }

    @Override
    public Optional<Snapshot> snapshotIfExists(UUID txId) {
        return entries.containsKey(txId) ? Optional.of(snapshot(txId)) : Optional.empty();
    }

    @Override
    public void force(UUID txId, Decision.Kind outcome, String by, String reason) {
        throw new UnsupportedOperationException("operators do not act in the simulation");
    }

    @Override
    public List<UUID> unfinished() {
        world.alive("log scan");
        return entries.entrySet().stream().filter(en -> !en.getValue().state.isFinal()).map(Map.Entry::getKey).toList();
    }

    @Override
    public void recordAck(UUID txId, String participant, String branchState, long millis) {
        world.alive("log ack");
        Entry e = entry(txId);
        e.branchStates.set(position(e, participant), branchState);
    }

    @Override
    public Ended finish(UUID txId) {
        world.alive("log finish");
        Entry e = entry(txId);
        e.move(e.state.ended(e.branchStates));
        return new Ended(e.protocol, e.state, java.time.Duration.ZERO);
    }

    @Override
    public void recordHeuristic(UUID txId, String participant, String branchState, long millis) {
        recordAck(txId, participant, branchState, millis);
    }

    @Override
    public void event(UUID txId, TxEvent.Kind kind, String participant, String message, Long millis) {
        world.alive("log event");
    }

    private static int position(Entry e, String participant) {
        for (int i = 0; i < e.branches.size(); i++) {
            if (e.branches.get(i).participant().equals(participant)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no branch of " + participant);
    }
}
