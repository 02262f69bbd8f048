package dev.pledge.coordinator.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.pledge.common.fencing.Epochs;
import dev.pledge.common.protocol.BranchState;
import dev.pledge.common.protocol.TerminationRule;
import dev.pledge.common.protocol.TerminationRule.Outcome;
import dev.pledge.coordinator.client.BranchApi.BranchReply;

/**
 * The participants' branches in the simulation, durable like their prepared transactions, with the
 * transitions of the real participant, their processes that crash and restart (recovering sites then), and
 * 3PC's termination protocol in the real participant's steps under the real {@link TerminationRule}: an abort of a branch never seen leaves it aborted (a late prepare
 * then votes NO), a decided branch repeats its answer, and a commit of an aborted branch is refused. Each
 * branch is fenced as participant-kit's {@code Fences} does it: a call older than the newest epoch above the
 * first that reached the branch is refused (412).
 */
final class SimParticipants {
    private final Map<String, BranchState> branches = new HashMap<>();
    private final Map<String, Boolean> votes;
    /** The participants' fences: the newest epoch above the first each branch was called with. */
    private final Map<String, Long> fences = new HashMap<>();
    /** The newest epoch that ever reached each branch, kept apart from the fences to check them. */
    private final Map<String, Long> newest = new HashMap<>();
    private final List<String> staleCalls = new ArrayList<>();
    private final Set<String> down = new HashSet<>();
    /** Branches held undecided by a participant that restarted since: they adopt what the others decided. */
    private final Set<String> recovering = new HashSet<>();
    private final Map<String, Terminating> terminating = new HashMap<>();
    private int refusals;

    /** The termination rule the simulated participants decide by. */
    @FunctionalInterface
    interface Rule {
        Outcome decide(BranchState self, boolean recovering, List<Optional<BranchState>> peers);
    }

    private final Rule rule;

    /**
     * @param votes each participant's vote, by participant name
     * @param rule  how they decide when they terminate: {@link TerminationRule#decide}, or a broken variant
     */
    SimParticipants(Map<String, Boolean> votes, Rule rule) {
        this.votes = votes;
        this.rule = rule;
    }

    /**
     * A coordinator's call reaching a branch: refused with 412 when its epoch is stale, otherwise carried out.
     *
     * @param epoch the call's epoch, or null for a call that carries none (let through, recording nothing)
     */
    BranchReply fenced(String gid, Long epoch, Supplier<BranchReply> call) {
        if (epoch == null) {
            return call.get();
        }
        long seen = fences.getOrDefault(gid, Epochs.FIRST);
        if (epoch < seen) {
            refusals++;
            throw FakeCalls.status(412);
        }
        if (epoch > seen) {
            fences.put(gid, epoch);
        }
        long newestBefore = newest.getOrDefault(gid, epoch);
        newest.merge(gid, epoch, Math::max);
        if (epoch < newestBefore) {
            staleCalls.add(gid + " carried out a call under epoch " + epoch + " after one under " + newestBefore);
        }
        return call.get();
    }

    /** How many calls the fences refused. */
    int refusals() {
        return refusals;
    }

    /** Calls a branch carried out although a newer epoch had reached it before: a fence let them through. */
    List<String> staleCalls() {
        return staleCalls;
    }

    BranchState of(String gid) {
        return branches.getOrDefault(gid, BranchState.WORKING);
    }

    BranchReply vote(String gid) {
        BranchState s = of(gid);
        if (s == BranchState.WORKING) {
            s = votes.get(participant(gid)) ? BranchState.PREPARED : BranchState.ABORTED;
            branches.put(gid, s);
        }
        boolean yes = s == BranchState.PREPARED || s == BranchState.PRECOMMITTED;
        return new BranchReply(gid, s.name(), yes ? "YES" : "NO", yes ? null : "refused");
    }

    BranchReply preCommit(String gid) {
        BranchState s = of(gid);
        if (s == BranchState.PREPARED) {
            branches.put(gid, BranchState.PRECOMMITTED);
            recovering.remove(gid);
        } else if (s != BranchState.PRECOMMITTED && s != BranchState.COMMITTED) {
            throw FakeCalls.status(409);
        }
        return reply(gid);
    }

    BranchReply commit(String gid) {
        BranchState s = of(gid);
        if (s == BranchState.PREPARED || s == BranchState.PRECOMMITTED) {
            branches.put(gid, BranchState.COMMITTED);
        } else if (s != BranchState.COMMITTED) {
            throw FakeCalls.status(409);
        }
        return reply(gid);
    }

    BranchReply abort(String gid) {
        if (of(gid) == BranchState.COMMITTED) {
            throw FakeCalls.status(409);
        }
        branches.put(gid, BranchState.ABORTED);
        return reply(gid);
    }

    BranchReply state(String gid) {
        if (!branches.containsKey(gid)) {
            throw FakeCalls.status(404);
        }
        return reply(gid);
    }

    /** Whether a participant's process is down: it answers nothing, to the coordinator or to its peers. */
    boolean isDown(String participant) {
        return down.contains(participant);
    }

    /** The participant's process crashes: whatever termination it was running is lost with it. */
    void crash(String participant) {
        down.add(participant);
        terminating.keySet().removeIf(gid -> participant(gid).equals(participant));
    }

    /** It restarts: every branch it holds undecided makes it a recovering site for that branch. */
    void restart(String participant) {
        down.remove(participant);
        branches.forEach((gid, s) -> {
            if (participant(gid).equals(participant) && (s == BranchState.PREPARED || s == BranchState.PRECOMMITTED)) {
                recovering.add(gid);
            }
        });
    }

    /** Every participant still down restarts. */
    void restartAll() {
        List.copyOf(down).forEach(this::restart);
    }

    /**
     * Three-phase commit's termination protocol, run by every participant that is up until none can move:
     * the branches take their steps in an order {@code order}'s bits choose.
     */
    void terminate(List<String> gids, long order) {
        boolean moved = true;
        for (int pass = 0; moved && pass < 10; pass++) {
            moved = false;
            List<String> turn = new ArrayList<>(gids);
            if (((order >>> pass) & 1) == 1) {
                java.util.Collections.reverse(turn);
            }
            for (String gid : turn) {
                BranchState before = of(gid);
                while (step(gid)) {
                    // one branch's termination to its end
                }
                moved |= of(gid) != before;
            }
        }
    }

    /**
     * One step of one branch's termination, as participant-kit's {@code Termination} takes them: read its own
     * state; ask the peers and decide by the real {@link TerminationRule}; pre-commit the peers that answered
     * merely prepared; act if its own state is still the one it decided from.
     *
     * @return whether the termination goes on (false: it ended, waits, or was abandoned)
     */
    boolean step(String gid) {
        if (isDown(participant(gid))) {
            terminating.remove(gid);
            return false;
        }
        Terminating t = terminating.get(gid);
        if (t == null) {
            BranchState self = of(gid);
            if (self != BranchState.PREPARED && self != BranchState.PRECOMMITTED) {
                return false;
            }
            terminating.put(gid, new Terminating(self, null, List.of()));
            return true;
        }
        if (t.outcome() == null) {
            List<Optional<BranchState>> answers = new ArrayList<>();
            List<String> merelyPrepared = new ArrayList<>();
            for (String peer : peersOf(gid)) {
                Optional<BranchState> a = isDown(participant(peer)) ? Optional.empty()
                        : Optional.of(of(peer));
                answers.add(a);
                if (a.equals(Optional.of(BranchState.PREPARED))) {
                    merelyPrepared.add(peer);
                }
            }
            Outcome o = rule.decide(t.self(), recovering.contains(gid), answers);
            if (o == Outcome.WAIT || o == Outcome.SPLIT) {
                terminating.remove(gid);
                return false;
            }
            terminating.put(gid, new Terminating(t.self(), o, o == Outcome.COMMIT ? merelyPrepared : List.of()));
            return true;
        }
        if (!t.toPreCommit().isEmpty()) {
            String peer = t.toPreCommit().get(0);
            if (isDown(participant(peer)) || !preCommittedByPeer(peer)) {
                terminating.remove(gid); // decides again on its next pass
                return false;
            }
            terminating.put(gid, new Terminating(t.self(), t.outcome(), t.toPreCommit().subList(1, t.toPreCommit().size())));
            return true;
        }
        terminating.remove(gid);
        if (of(gid) == t.self()) { // under the branch's lock: unchanged since it decided
            branches.put(gid, t.outcome() == Outcome.COMMIT ? BranchState.COMMITTED : BranchState.ABORTED);
        }
        return false;
    }

    /** A peer's pre-commit of a merely prepared branch: true when the branch is pre-committed (or committed) after. */
    private boolean preCommittedByPeer(String gid) {
        if (of(gid) == BranchState.PREPARED) {
            branches.put(gid, BranchState.PRECOMMITTED);
            recovering.remove(gid);
        }
        return of(gid) == BranchState.PRECOMMITTED || of(gid) == BranchState.COMMITTED;
    }

    /** The other branches of the same transaction, one per participant that voted or was asked to. */
    private List<String> peersOf(String gid) {
        String tx = gid.substring(0, gid.indexOf('.') + 1);
        return votes.keySet().stream().map(p -> tx + p).filter(g -> !g.equals(gid)).toList();
    }

    /** Branches whose termination is under way: they take their next step before the coordinator's operations. */
    List<String> terminating() {
        return List.copyOf(terminating.keySet());
    }

    /** A termination in progress: the state it read, its decision once taken, the peers still to pre-commit. */
    private record Terminating(BranchState self, Outcome outcome, List<String> toPreCommit) {
    }

    /** Every branch the participants have heard of. */
    List<String> gids() {
        return List.copyOf(branches.keySet());
    }

    /**
     * The participants' inquiry: a branch prepared (not pre-committed) for a transaction the coordinator has
     * no record of is aborted. A pre-committed branch is left alone: its decision was forced to the log.
     */
    void inquire(java.util.function.Predicate<java.util.UUID> logged) {
        branches.replaceAll((gid, s) -> s == BranchState.PREPARED && !logged.test(SimWorld.txOf(gid)) ? BranchState.ABORTED : s);
    }

    private BranchReply reply(String gid) {
        return new BranchReply(gid, of(gid).name(), null, null);
    }

    private static String participant(String gid) {
        return gid.substring(gid.indexOf('.') + 1);
    }
}
