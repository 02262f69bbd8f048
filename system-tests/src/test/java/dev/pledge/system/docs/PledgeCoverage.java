package dev.pledge.system.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.pledge.system.docs.TestInvocations.Invocation;

/**
 * Whether the system tests run the {@code ./pledge} commands the docs show. A command shown as one use needs
 * one test run with its subcommand, every option it shows, and the same value for an option that chooses what
 * happens ({@link #CHOOSERS}) and for each argument; other values (counts, durations, names) may differ. A
 * synopsis needs each of its options run at least once, and each value it offers for an option.
 */
public final class PledgeCoverage {
    /** Options whose value decides what the command does, so a test must run the very value the doc shows. */
    public static final Set<String> CHOOSERS = Set.of("--protocol", "--campaign", "--flow", "--failure", "--at");
    /** Values a run of another value covers: {@code bench --protocol all} runs every protocol. */
    private static final Map<String, String> COVERED_BY = Map.of("bench --protocol", "all");

    private final TestInvocations tests;

    public PledgeCoverage(TestInvocations tests) {
        this.tests = tests;
    }

    /** What no test runs, one line each, saying where the doc shows it. */
    public List<String> uncovered(List<DocCommand> docs) {
        List<String> problems = new ArrayList<>();
        for (DocCommand doc : docs) {
            CliUse shown = CliUse.of(doc.args());
            if (shown.path().isEmpty()) {
                problems.add(doc + ": no subcommand");
            } else if (shown.synopsis()) {
                synopsis(doc, shown, problems);
            } else if (runs(shown.path(), t -> covers(t, shown)).isEmpty()) {
                problems.add(doc + ": no system test runs it (subcommand, options, and the values of "
                        + CHOOSERS + " and arguments as shown)");
            }
        }
        return problems;
    }

    private void synopsis(DocCommand doc, CliUse shown, List<String> problems) {
        if (runs(shown.path(), t -> true).isEmpty()) {
            problems.add(doc + ": no system test runs `pledge " + shown.command() + "`");
        }
        shown.options().forEach((option, values) -> {
            boolean each = CHOOSERS.contains(option) || values.size() > 1;
            for (String value : each ? values : Set.of(CliUse.ANY)) {
                if (runs(shown.path(), t -> gives(t, shown, option, value)).isEmpty()) {
                    problems.add(doc + ": no system test runs `pledge " + shown.command() + " " + option
                            + (value.equals(CliUse.ANY) ? "" : " " + value) + "`");
                }
            }
        });
    }

    private List<Invocation> runs(List<String> path, Predicate<CliUse> test) {
        return tests.all().stream().filter(i -> i.use().path().equals(path) && test.test(i.use())).toList();
    }

    private static boolean covers(CliUse test, CliUse shown) {
        for (Map.Entry<String, Set<String>> option : shown.options().entrySet()) {
            String value = option.getValue().isEmpty() ? CliUse.ANY : option.getValue().iterator().next();
            if (!gives(test, shown, option.getKey(), CHOOSERS.contains(option.getKey()) ? value : CliUse.ANY)) {
                return false;
            }
        }
        List<String> args = shown.arguments();
        if (test.arguments().size() < args.size()) {
            return false;
        }
        for (int i = 0; i < args.size(); i++) {
            if (!args.get(i).equals(CliUse.ANY) && !args.get(i).equals(test.arguments().get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean gives(CliUse test, CliUse shown, String option, String value) {
        String coveredBy = COVERED_BY.get(shown.command() + " " + option);
        return test.gives(option, value) || coveredBy != null && test.gives(option, coveredBy);
    }
}
