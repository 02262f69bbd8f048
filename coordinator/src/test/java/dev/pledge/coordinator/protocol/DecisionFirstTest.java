package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import dev.pledge.common.protocol.BranchState;
import dev.pledge.coordinator.protocol.Decision.Vote;

/**
 * The rule both protocols stand on: no branch is sent a decision (or a pre-commit) before the log holds it. Every
 * transition reachable with two branches, from a first run and from recovery in every state, under every vote,
 * answer and order of answers, is checked: each commit, do-commit, pre-commit or abort follows, in the same
 * transition or an earlier one, the log write of the state it carries out.
 */
class DecisionFirstTest {
    private static final List<String> BRANCHES = ProtocolTable.BRANCHES;

    @Test
    void twoPhaseSendsNoDecisionBeforeItIsLogged() {
        assertThat(explore(TwoPhase::next)).isEmpty();
    }

    @Test
    void threePhaseSendsNoDecisionBeforeItIsLogged() {
        assertThat(explore(ThreePhase::next)).isEmpty();
    }

    /** The check itself must catch a protocol that sends the commit before logging it. */
    @Test
    void aCommitSentBeforeItsLogWriteIsCaught() {
        BiFunction<TxView, Event, Transition> broken = (tx, event) -> {
            Transition t = TwoPhase.next(tx, event);
            List<Action> sendsFirst = new ArrayList<>(t.actions().stream().filter(a -> a instanceof Action.Send).toList());
            t.actions().stream().filter(a -> !(a instanceof Action.Send)).forEach(sendsFirst::add);
            return new Transition(t.view(), sendsFirst);
        };
        assertThat(explore(broken)).anyMatch(v -> v.contains("commit sent while the log says PREPARING"));
    }

    /** @return what broke the rule, with the event that led there */
    static List<String> explore(BiFunction<TxView, Event, Transition> next) {
        List<String> violations = new ArrayList<>();
        walk(next, (before, event, t) -> check(before.state(), t, event, violations));
        return violations;
    }

    /** What is shown each transition of a walk: the view before, the event, and the transition. */
    interface Visitor {
        void visit(TxView before, Event event, Transition t);
    }

    /** Every transition reachable with two branches, from a first run and from recovery in every unfinished state. */
    static void walk(BiFunction<TxView, Event, Transition> next, Visitor visitor) {
        Set<String> seen = new HashSet<>();
        walk(next, TxView.begun(BRANCHES), new Event.Begun(), visitor, seen);
        for (TxState s : List.of(TxState.PREPARING, TxState.PRECOMMITTING, TxState.COMMITTING, TxState.ABORTING)) {
            for (BranchState a : BranchState.values()) {
                for (BranchState b : BranchState.values()) {
                    TxView found = new TxView(s, List.of(new TxView.Branch(BRANCHES.get(0), a),
                            new TxView.Branch(BRANCHES.get(1), b)), null);
                    walk(next, found, new Event.Found(), visitor, seen);
                }
            }
        }
        assertThat(seen).as("transitions explored").hasSizeGreaterThan(100);
    }

    private static void walk(BiFunction<TxView, Event, Transition> next, TxView tx, Event event, Visitor visitor,
            Set<String> seen) {
        if (!seen.add(tx + " " + event)) {
            return;
        }
        Transition t;
        try {
            t = next.apply(tx, event);
        } catch (IllegalStateException refused) {
            return; // not a move of the protocol: the event cannot come in this state
        }
        visitor.visit(tx, event, t);
        for (Event then : following(t)) {
            walk(next, t.view(), then, visitor, seen);
        }
    }

    /** Each message must carry out what the log holds by the time it is sent. */
    private static void check(TxState before, Transition t, Event event, List<String> violations) {
        TxState logged = before;
        for (Action a : t.actions()) {
            if (a instanceof Action.LogDecision d) {
                logged = d.next();
            } else if (a instanceof Action.LogPrecommitted) {
                logged = TxState.COMMITTING;
            } else if (a instanceof Action.Send s) {
                TxState needs = switch (s.message()) {
                    case COMMIT, DO_COMMIT -> TxState.COMMITTING;
                    case PRE_COMMIT -> TxState.PRECOMMITTING;
                    case ABORT -> TxState.ABORTING;
                    default -> null;
                };
                if (needs != logged) {
                    violations.add(s.message().label() + " sent while the log says " + logged + ", after " + event
                            + " in " + before);
                }
            }
        }
    }

    /** The events that may come after a transition: the votes asked for, or any answer of the round under way. */
    private static List<Event> following(Transition t) {
        List<Event> events = new ArrayList<>();
        if (t.actions().stream().anyMatch(a -> a instanceof Action.Stop || a instanceof Action.Finish)) {
            return events;
        }
        if (t.actions().stream().anyMatch(a -> a instanceof Action.AskVotes)) {
            List<String> kinds = List.of("YES", "NO", "NONE");
            for (String a : kinds) {
                for (String b : kinds) {
                    events.add(new Event.Voted(List.of(vote(BRANCHES.get(0), a), vote(BRANCHES.get(1), b))));
                }
            }
        }
        TxView.Round round = t.view().round();
        if (round != null) {
            for (String p : round.awaiting()) {
                events.add(new Event.NoAnswer(p));
                for (BranchState s : BranchState.values()) {
                    events.add(new Event.Acked(p, s));
                    events.add(new Event.Reported(p, s));
                }
            }
        }
        return events;
    }

    private static Vote vote(String branch, String kind) {
        return switch (kind) {
            case "YES" -> Vote.yes(branch);
            case "NO" -> Vote.no(branch, "refused");
            default -> Vote.none(branch, "no answer");
        };
    }
}
