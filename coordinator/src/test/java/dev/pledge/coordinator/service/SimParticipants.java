package dev.pledge.coordinator.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.pledge.common.fencing.Epochs;
import dev.pledge.coordinator.client.BranchApi.BranchReply;

/**
 * The participants' branches in the simulation, durable like their prepared transactions, with the
 * transitions of the real participant: an abort of a branch never seen leaves it aborted (a late prepare
 * then votes NO), a decided branch repeats its answer, and a commit of an aborted branch is refused. Each
 * branch is fenced as participant-kit's {@code Fences} does it: a call older than the newest epoch above the
 * first that reached the branch is refused (412).
 */
final class SimParticipants {
    enum State {
        WORKING, PREPARED, PRECOMMITTED, COMMITTED, ABORTED
    }

    private final Map<String, State> branches = new HashMap<>();
    private final Map<String, Boolean> votes;
    /** The participants' fences: the newest epoch above the first each branch was called with. */
    private final Map<String, Long> fences = new HashMap<>();
    /** The newest epoch that ever reached each branch, kept apart from the fences to check them. */
    private final Map<String, Long> newest = new HashMap<>();
    private final List<String> staleCalls = new ArrayList<>();
    private int refusals;

    /** @param votes each participant's vote, by participant name */
    SimParticipants(Map<String, Boolean> votes) {
        this.votes = votes;
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

    State of(String gid) {
        return branches.getOrDefault(gid, State.WORKING);
    }

    BranchReply vote(String gid) {
        State s = of(gid);
        if (s == State.WORKING) {
            s = votes.get(participant(gid)) ? State.PREPARED : State.ABORTED;
            branches.put(gid, s);
        }
        boolean yes = s == State.PREPARED || s == State.PRECOMMITTED;
        return new BranchReply(gid, s.name(), yes ? "YES" : "NO", yes ? null : "refused");
    }

    BranchReply preCommit(String gid) {
        State s = of(gid);
        if (s == State.PREPARED) {
            branches.put(gid, State.PRECOMMITTED);
        } else if (s != State.PRECOMMITTED && s != State.COMMITTED) {
            throw FakeCalls.status(409);
        }
        return reply(gid);
    }

    BranchReply commit(String gid) {
        State s = of(gid);
        if (s == State.PREPARED || s == State.PRECOMMITTED) {
            branches.put(gid, State.COMMITTED);
        } else if (s != State.COMMITTED) {
            throw FakeCalls.status(409);
        }
        return reply(gid);
    }

    BranchReply abort(String gid) {
        if (of(gid) == State.COMMITTED) {
            throw FakeCalls.status(409);
        }
        branches.put(gid, State.ABORTED);
        return reply(gid);
    }

    BranchReply state(String gid) {
        if (!branches.containsKey(gid)) {
            throw FakeCalls.status(404);
        }
        return reply(gid);
    }

    /**
     * Three-phase commit's termination protocol while the coordinator is down, every peer reachable: a
     * prepared branch commits if any branch is pre-committed or committed, and aborts otherwise.
     */
    void terminate(List<String> gids) {
        boolean commit = gids.stream().map(this::of).anyMatch(s -> s == State.PRECOMMITTED || s == State.COMMITTED);
        for (String gid : gids) {
            State s = of(gid);
            if (s == State.PREPARED || s == State.PRECOMMITTED) {
                branches.put(gid, commit ? State.COMMITTED : State.ABORTED);
            }
        }
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
        branches.replaceAll((gid, s) -> s == State.PREPARED && !logged.test(SimWorld.txOf(gid)) ? State.ABORTED : s);
    }

    private BranchReply reply(String gid) {
        return new BranchReply(gid, of(gid).name(), null, null);
    }

    private static String participant(String gid) {
        return gid.substring(gid.indexOf('.') + 1);
    }
}
