package dev.pledge.coordinator.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.pledge.common.protocol.BranchState;

/**
 * The Spin models (docs/model) and the protocols' functions name the same things: the coordinator's log
 * states, the branch states, the messages and the events. The code's side is read from the functions
 * themselves (every state, message and event a walk of their transitions meets); the model's side from the
 * blocks each model heads with {@code names:}. A name on one side only fails the test, unless this test says
 * why the model leaves it out (or folds it into another).
 */
class ModelNamesTest {
    private static final Path MODELS = Path.of("..", "docs", "model");

    @Test
    void theTwoPhaseModelNamesWhatTwoPhaseDoes() throws IOException {
        String model = Files.readString(MODELS.resolve("two-phase.pml"));
        Walk code = Walk.of(TwoPhase::next);
        compare(blocks(model, "the coordinator's log"), code.states, Map.of(),
                // the model stops at the decision: acknowledgements change no branch, so its end is not modelled
                Set.of("COMMITTED", "ABORTED", "MIXED"));
        compare(blocks(model, "branch states"), names(BranchState.values()), Map.of(),
                Set.of("PRECOMMITTED")); // 3PC's alone
        compare(blocks(model, "messages and replies"), union(code.messages, Set.of("YES", "NO", "ACK")), Map.of(), Set.of());
        events(model, code.events, Map.of("Begun", "active proctype Coordinator", "Found", "proctype Recovery",
                "Voted", "toCoord?YES", "Acked", "toCoord?ACK", "NoAnswer", "timeout"),
                // a 2PC branch never ends on its own, so the model's coordinator never hears one ended the other way
                Set.of("Reported"));
    }

    @Test
    void theThreePhaseModelNamesWhatThreePhaseDoes() throws IOException {
        String model = Files.readString(MODELS.resolve("three-phase.pml"));
        Walk code = Walk.of(ThreePhase::next);
        compare(blocks(model, "the coordinator's log"), code.states,
                Map.of("ENDED", Set.of("COMMITTED", "ABORTED", "MIXED")), Set.of());
        compare(blocks(model, "branch states"), union(names(BranchState.values()), Set.of("NOANSWER")), Map.of(), Set.of());
        compare(blocks(model, "messages"), code.messages, Map.of(), Set.of());
        events(model, code.events, Map.of("Begun", "active proctype Coordinator", "Found", "#ifdef RECOVERY",
                "Voted", "call(i, CAN_COMMIT)", "Acked", "acked[i] = true", "Reported", "call(i, STATE)",
                "NoAnswer", "NOANSWER"), Set.of());
    }

    /** The check must fail when the code gains a state the model lacks, and when the model gains one. */
    @Test
    void aNameOnOneSideOnlyIsCaught() {
        Set<String> model = Set.of("PREPARING", "COMMITTING");
        assertThat(mismatches(model, Set.of("PREPARING", "COMMITTING", "PAUSED"), Map.of(), Set.of()))
                .containsExactly("the code has PAUSED, which the model lacks");
        assertThat(mismatches(Set.of("PREPARING", "COMMITTING", "PAUSED"), Set.of("PREPARING", "COMMITTING"), Map.of(), Set.of()))
                .containsExactly("the model has PAUSED, which the code lacks");
        assertThat(mismatches(model, Set.of("PREPARING", "COMMITTING"), Map.of(), Set.of("COMMITTING")))
                .containsExactly("COMMITTING is said to be left out of the model, which has it");
    }

    /** What a walk of a protocol's transitions meets: the states it reaches, the messages it sends, the events it takes. */
    private record Walk(Set<String> states, Set<String> messages, Set<String> events) {
        static Walk of(BiFunction<TxView, Event, Transition> next) {
            Set<String> states = new TreeSet<>();
            Set<String> messages = new TreeSet<>();
            Set<String> events = new TreeSet<>();
            DecisionFirstTest.walk(next, (before, event, t) -> {
                events.add(event.getClass().getSimpleName());
                states.add(before.state().name());
                states.add(t.view().state().name());
                t.actions().forEach(a -> {
                    if (a instanceof Action.Send s) {
                        messages.add(s.message().name());
                    } else if (a instanceof Action.AskVotes v) {
                        messages.add(v.message().name());
                    } else if (a instanceof Action.Inquire) {
                        messages.add(Message.STATE.name());
                    }
                });
            });
            return new Walk(states, messages, events);
        }
    }

    private static void compare(Set<String> model, Set<String> code, Map<String, Set<String>> folds, Set<String> leftOut) {
        assertThat(model).as("a names: block in the model").isNotEmpty();
        assertThat(mismatches(model, code, folds, leftOut)).isEmpty();
    }

    /**
     * @param folds   model names that stand for several of the code's
     * @param leftOut the code's names the model leaves out, each for a reason given where it is passed
     */
    static List<String> mismatches(Set<String> model, Set<String> code, Map<String, Set<String>> folds, Set<String> leftOut) {
        Set<String> covered = new LinkedHashSet<>();
        List<String> out = new java.util.ArrayList<>();
        for (String m : model) {
            Set<String> stands = folds.getOrDefault(m, Set.of(m));
            if (!code.containsAll(stands)) {
                out.add("the model has " + m + ", which the code lacks");
            }
            covered.addAll(stands);
        }
        for (String c : new TreeSet<>(code)) {
            if (!covered.contains(c) && !leftOut.contains(c)) {
                out.add("the code has " + c + ", which the model lacks");
            }
        }
        leftOut.stream().filter(covered::contains).sorted()
                .forEach(c -> out.add(c + " is said to be left out of the model, which has it"));
        return out;
    }

    /** Each event the function takes appears in the model where the table says, unless left out for a reason. */
    private static void events(String model, Set<String> code, Map<String, String> where, Set<String> leftOut) {
        for (String e : code) {
            if (!leftOut.contains(e)) {
                assertThat(where).as("where the model takes the event %s", e).containsKey(e);
                assertThat(model).as("the model's %s", e).contains(where.get(e));
            }
        }
        assertThat(union(where.keySet(), leftOut)).as("events named here that the code has").isEqualTo(code);
    }

    /** The names the model defines in its blocks headed {@code names: <title>}, upper-cased. */
    static Set<String> blocks(String model, String title) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("/\\* names: " + Pattern.quote(title) + "[ (;][^\\n]*\\*/\\n((?:[^\\n]+\\n)+)").matcher(model);
        while (m.find()) {
            for (String line : m.group(1).split("\n")) {
                Matcher def = Pattern.compile("^#define\\s+(\\w+)\\s+\\d+").matcher(line.trim());
                Matcher mtype = Pattern.compile("^mtype\\s*=\\s*\\{([^}]*)}").matcher(line.trim());
                if (def.find()) {
                    names.add(def.group(1).toUpperCase(Locale.ROOT));
                } else if (mtype.find()) {
                    Arrays.stream(mtype.group(1).split(",")).map(String::trim).forEach(names::add);
                }
            }
        }
        return names;
    }

    private static Set<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
