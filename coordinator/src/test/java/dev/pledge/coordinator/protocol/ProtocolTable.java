package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

import dev.pledge.common.protocol.BranchState;
import dev.pledge.coordinator.protocol.Decision.Vote;

/**
 * A protocol's whole table written as text, one row per (state, round, event), and checked against its
 * {@code next} function. A row reads {@code STATE ROUND EVENT -> RESULT # reason}:
 * <ul>
 *   <li>ROUND: {@code -} for none, or {@code message:awaited,...} (the branches not listed answered as the
 *       message asks: committed, aborted, pre-committed, or prepared for a read);</li>
 *   <li>EVENT (several, apart with {@code |}, when they have the same result): {@code Begun}, {@code Found}, {@code Voted(YES,NO)} (one vote per branch, NONE for no vote),
 *       {@code Acked(branch,STATE)}, {@code Reported(branch,STATE)}, {@code NoAnswer(branch)};</li>
 *   <li>RESULT: {@code refused}, or the next state and the actions, in order.</li>
 * </ul>
 * The branches are inventory and payment; each is known as the state's usual one (see {@link #known}).
 */
final class ProtocolTable {
    static final List<String> BRANCHES = List.of("inventory", "payment");

    private ProtocolTable() {
    }

    /** Checks every row, and that the rows cover every state with every kind of event. */
    static void check(List<String> rows, BiFunction<TxView, Event, Transition> next) {
        Set<String> covered = new HashSet<>();
        for (String row : rows) {
            String[] parts = row.split("->|#");
            String[] given = parts[0].trim().split("\\s+");
            TxState state = TxState.valueOf(given[0]);
            for (String each : given[2].split("\\|")) {
                Event event = event(each);
                covered.add(state + " " + event.getClass().getSimpleName());
                String actual;
                try {
                    actual = render(next.apply(view(state, given[1]), event));
                } catch (IllegalStateException e) {
                    actual = "refused";
                }
                assertThat(actual).as("%s %s %s (%s)", given[0], given[1], each, parts.length > 2 ? parts[2].trim() : "")
                        .isEqualTo(parts[1].trim());
            }
        }
        for (TxState s : TxState.values()) {
            for (Class<?> kind : Event.class.getPermittedSubclasses()) {
                assertThat(covered).as("a row for %s on %s", s, kind.getSimpleName()).contains(s + " " + kind.getSimpleName());
            }
        }
    }

    static TxView view(TxState state, String round) {
        List<TxView.Branch> branches = new ArrayList<>();
        BRANCHES.forEach(b -> branches.add(new TxView.Branch(b, known(state))));
        TxView tx = new TxView(state, branches, null);
        if (round.equals("-")) {
            return tx;
        }
        Message message = Message.valueOf(round.substring(0, round.indexOf(':')).toUpperCase(Locale.ROOT).replace('-', '_'));
        Set<String> awaited = Set.of(round.substring(round.indexOf(':') + 1).split(","));
        tx = tx.sending(message, BRANCHES);
        for (String b : BRANCHES) {
            if (!awaited.contains(b)) {
                tx = tx.answered(b, answer(message), true);
            }
        }
        return tx;
    }

    /** What a branch is usually known to be in each state of the transaction. */
    static BranchState known(TxState state) {
        return switch (state) {
            case PREPARING -> BranchState.WORKING;
            case PRECOMMITTING, COMMITTING, ABORTING -> BranchState.PREPARED;
            case COMMITTED -> BranchState.COMMITTED;
            case ABORTED, MIXED -> BranchState.ABORTED;
        };
    }

    private static BranchState answer(Message m) {
        return switch (m) {
            case COMMIT, DO_COMMIT -> BranchState.COMMITTED;
            case ABORT -> BranchState.ABORTED;
            case PRE_COMMIT -> BranchState.PRECOMMITTED;
            default -> BranchState.PREPARED;
        };
    }

    static Event event(String text) {
        String name = text.contains("(") ? text.substring(0, text.indexOf('(')) : text;
        List<String> args = text.contains("(") ? List.of(text.substring(text.indexOf('(') + 1, text.length() - 1).split(","))
                : List.of();
        return switch (name) {
            case "Begun" -> new Event.Begun();
            case "Found" -> new Event.Found();
            case "Voted" -> {
                List<Vote> votes = new ArrayList<>();
                for (int i = 0; i < args.size(); i++) {
                    String b = BRANCHES.get(i);
                    votes.add(switch (args.get(i)) {
                        case "YES" -> Vote.yes(b);
                        case "NO" -> Vote.no(b, "refused");
                        default -> Vote.none(b, "no answer");
                    });
                }
                yield new Event.Voted(votes);
            }
            case "Acked" -> new Event.Acked(args.get(0), BranchState.valueOf(args.get(1)));
            case "Reported" -> new Event.Reported(args.get(0), BranchState.valueOf(args.get(1)));
            case "NoAnswer" -> new Event.NoAnswer(args.get(0));
            default -> throw new IllegalArgumentException(text);
        };
    }

    /** "STATE: action; action", the actions in the order the driver runs them. */
    static String render(Transition t) {
        return t.view().state() + (t.actions().isEmpty() ? ""
                : ": " + t.actions().stream().map(ProtocolTable::render).collect(Collectors.joining("; ")));
    }

    static String render(Action a) {
        if (a instanceof Action.Hit h) {
            return "hit " + h.point().label();
        } else if (a instanceof Action.AskVotes v) {
            return "ask " + v.message().label();
        } else if (a instanceof Action.LogDecision d) {
            return "log " + d.decision().kind() + " " + d.next();
        } else if (a instanceof Action.Send s) {
            return "send " + s.message().label() + " " + s.participant();
        } else if (a instanceof Action.Inquire i) {
            return "read " + i.participant();
        } else if (a instanceof Action.RecordAcks r) {
            return "record " + acks(r.acks());
        } else if (a instanceof Action.LogPrecommitted p) {
            return "log precommitted " + acks(p.acks());
        } else if (a instanceof Action.Finish f) {
            return "finish " + f.end() + " " + acks(f.acks());
        }
        return "stop";
    }

    private static String acks(List<Ack> acks) {
        return acks.stream().map(a -> a.participant() + "=" + a.state()).collect(Collectors.joining(",", "[", "]"));
    }
}
