package dev.pledge.coordinator.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.pledge.common.fencing.Epochs;
import dev.pledge.coordinator.log.DecisionLog;
import dev.pledge.coordinator.log.Leases;
import dev.pledge.coordinator.log.TxEvent;
import dev.pledge.coordinator.protocol.Ack;
import dev.pledge.coordinator.protocol.Decision.Vote;
import dev.pledge.coordinator.protocol.Decision;
import dev.pledge.coordinator.protocol.Protocol;
import dev.pledge.coordinator.protocol.TxState;

/**
 * The coordinator's decision log in memory: it survives a simulated crash, as the database does. It keeps
 * every state each transaction was logged in, so a test can check that a decision never changed. It knows
 * which writes are forced: when the database crashes with the process, everything written after the last
 * forced write is lost, as PostgreSQL loses its unflushed asynchronous commits.
 */
final class FakeLog extends DecisionLog {
    static final class Entry {
        final Protocol protocol;
        final List<BranchSpec> branches;
        final List<String> branchStates = new ArrayList<>();
        final List<TxState> history = new ArrayList<>();
        /** Every state ever written, including those a crash of the database lost since (shared by all copies). */
        final List<TxState> writes;
        /**
         * The states a crash of the database lost from this entry, written under {@link #lostEpoch} and not
         * written again since: what the replica that wrote them may still act on, not knowing they are gone.
         */
        final java.util.Set<TxState> lost = java.util.EnumSet.noneOf(TxState.class);
        long lostEpoch = -1;
        TxState state = TxState.PREPARING;
        String owner;
        long epoch = Epochs.FIRST;

        Entry(Protocol protocol, List<BranchSpec> branches, String owner) {
            this(protocol, branches, owner, new ArrayList<>(List.of(TxState.PREPARING)));
        }

        private Entry(Protocol protocol, List<BranchSpec> branches, String owner, List<TxState> writes) {
            this.writes = writes;
            this.protocol = protocol;
            this.owner = owner;
            this.branches = List.copyOf(branches);
            branches.forEach(b -> branchStates.add("WORKING"));
            history.add(state);
        }

        void move(TxState target) {
            state = state.moveTo(target);
            history.add(state);
            writes.add(state);
            lost.clear(); // the log has moved on: what was lost excuses nothing from here
        }

        /** Whether one of the states was written under the epoch and lost by a crash of the database since. */
        boolean lostUnder(long epoch, java.util.Set<TxState> states) {
            return epoch == lostEpoch && states.stream().anyMatch(lost::contains);
        }

        Entry copy() {
            Entry c = new Entry(protocol, branches, owner, writes);
            c.branchStates.clear();
            c.branchStates.addAll(branchStates);
            c.history.clear();
            c.history.addAll(history);
            c.state = state;
            c.epoch = epoch;
            return c;
        }
    }

    private final SimWorld world;
    final Map<UUID, Entry> entries = new LinkedHashMap<>();
    /** The log as of its last forced write. */
    private Map<UUID, Entry> durable = new LinkedHashMap<>();
    private int endsLost;

    FakeLog(SimWorld world) {
        this.world = world;
    }

    boolean knows(UUID id) {
        return entries.containsKey(id);
    }

    /**
     * Ends the database crashes lost: an end is an unforced write, so recovery ends such a transaction (and
     * counts its end) again.
     */
    int endsLost() {
        return endsLost;
    }

    /** A database crash: the writes since the last forced one are gone. */
    void loseUnforced() {
        entries.forEach((id, e) -> endsLost += e.state.isFinal() && !durable.get(id).state.isFinal() ? 1 : 0);
        Map<UUID, Entry> live = new LinkedHashMap<>(entries);
        entries.clear();
        durable.forEach((id, e) -> {
            Entry restored = e.copy();
            Entry was = live.get(id);
            if (was != null && was.epoch == restored.epoch // epochs move only with forced writes
                    && was.history.size() >= restored.history.size()) {
                restored.lost.addAll(was.history.subList(restored.history.size(), was.history.size()));
                if (was.lostEpoch == was.epoch) {
                    restored.lost.addAll(was.lost); // lost by an earlier crash and not written again since
                }
                restored.lostEpoch = restored.epoch;
            }
            entries.put(id, restored);
        });
    }

    private void forced() {
        durable = new LinkedHashMap<>();
        entries.forEach((id, e) -> durable.put(id, e.copy()));
    }

    Entry entry(UUID id) {
        Entry e = entries.get(id);
        if (e == null) {
            throw new IllegalStateException("no transaction " + id + " in the log");
        }
        return e;
    }

    @Override
    public void begin(dev.pledge.coordinator.protocol.Attempt attempt, Protocol protocol, List<BranchSpec> branches,
            dev.pledge.common.idempotency.IdempotencyKey key) {
        world.alive("log begin");
        entries.put(attempt.id(), new Entry(protocol, branches, world.node()));
    }

    @Override
    public void decide(UUID txId, long epoch, TxState next, Decision decision, List<Vote> votes) {
        world.alive("log decision");
        Entry e = drivenUnder(txId, epoch);
        for (Vote vote : votes) {
            int i = position(e, vote.participant());
            if ("WORKING".equals(e.branchStates.get(i))) {
                e.branchStates.set(i, vote.yes() ? "PREPARED" : vote.answered() ? "ABORTED" : "UNKNOWN");
            }
        }
        e.move(next);
        forced();
    }

    @Override
    public void precommitted(UUID txId, long epoch, List<Ack> acks) {
        world.alive("log precommitted");
        Entry e = drivenUnder(txId, epoch);
        record(e, acks);
        e.move(TxState.COMMITTING);
    }

    @Override
    public Snapshot snapshot(UUID txId) {
        world.alive("log read");
        return snapshot(entry(txId), txId);
    }

    private static Snapshot snapshot(Entry e, UUID txId) {
        return new Snapshot(txId, e.protocol, e.state, e.branches, List.copyOf(e.branchStates), null, e.owner, e.epoch);
    }

    @Override
    public Optional<Snapshot> snapshotIfExists(UUID txId) {
        return entries.containsKey(txId) ? Optional.of(snapshot(txId)) : Optional.empty();
    }

    @Override
    public List<UUID> unfinished() {
        world.alive("log scan");
        return entries.entrySet().stream().filter(en -> !en.getValue().state.isFinal()).map(Map.Entry::getKey).toList();
    }

    @Override
    public List<UUID> unfinishedOwned() {
        return unfinished().stream().filter(id -> world.node().equals(entries.get(id).owner)).toList();
    }

    /**
     * What {@code Leases.takeOver} does once {@code from}'s lease expired: each of its unfinished transactions
     * becomes {@code to}'s under the next epoch, in one forced write.
     */
    List<Leases.Taken> takeOver(String from, String to) {
        world.alive("log takeover");
        List<Leases.Taken> taken = new ArrayList<>();
        entries.forEach((id, e) -> {
            if (!e.state.isFinal() && from.equals(e.owner)) {
                e.owner = to;
                e.epoch++;
                taken.add(new Leases.Taken(id, from));
            }
        });
        forced();
        return taken;
    }

    /** What {@code Leases.acquire} does for a new process: its node's unfinished transactions move to the next epoch. */
    void adopt(String node) {
        entries.values().stream().filter(e -> !e.state.isFinal() && node.equals(e.owner)).forEach(e -> e.epoch++);
        forced();
    }

    @Override
    public void recordAcks(UUID txId, long epoch, List<Ack> acks) {
        world.alive("log acks");
        record(drivenUnder(txId, epoch), acks);
    }

    private static void record(Entry e, List<Ack> acks) {
        acks.forEach(ack -> e.branchStates.set(position(e, ack.participant()), ack.state().name()));
    }

    /** Records the end the driver worked out, and checks it against the branch states this log holds. */
    @Override
    public Ended finish(UUID txId, long epoch, TxState end, List<Ack> acks) {
        world.alive("log finish");
        Entry e = drivenUnder(txId, epoch);
        record(e, acks);
        TxState logged = e.state.ended(e.branchStates.stream()
                .map(s -> s.equals("UNKNOWN") ? null : dev.pledge.common.protocol.BranchState.valueOf(s)).toList());
        if (logged != end) {
            world.violation(txId + " ended " + end + " where its log's branch states say " + logged);
        }
        e.move(end);
        return new Ended(e.protocol, e.state, java.time.Duration.ZERO);
    }

    @Override
    public void event(UUID txId, TxEvent.Kind kind, String participant, String message, Long millis) {
        world.alive("log event");
    }

    @Override
    public void awaitTimeline() {
    }

    /** The log's fencing rule: a write under an epoch the transaction has moved on from fails. */
    private Entry drivenUnder(UUID txId, long epoch) {
        Entry e = entry(txId);
        if (e.epoch != epoch) {
            throw new dev.pledge.coordinator.log.TakenOver(txId, e.owner, e.epoch, epoch);
        }
        if (!world.node().equals(e.owner)) {
            world.violation(world.node() + " wrote to " + txId + ", which " + e.owner + " owns");
        }
        return e;
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
