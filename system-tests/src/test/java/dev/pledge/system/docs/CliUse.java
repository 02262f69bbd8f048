package dev.pledge.system.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code ./pledge} command line uses: its subcommand, its options with their values, its arguments.
 * A doc's synopsis may show placeholders ({@code N}, {@code ID}), alternatives ({@code 2pc|3pc},
 * {@code --commit|--abort}) and optional parts ({@code [--json]}); a placeholder reads as {@link #ANY}, as does
 * an argument a test computes.
 *
 * @param synopsis whether the line shows the command's forms (alternatives or optional parts) rather than one use
 */
public record CliUse(List<String> path, Map<String, Set<String>> options, List<String> arguments, boolean synopsis) {
    public static final String ANY = "*";
    /** The commands that group subcommands: {@code pledge saga compare}, {@code pledge experiment blocking}. */
    static final Set<String> GROUPS = Set.of("saga", "experiment");
    /** The options that take no value. */
    static final Set<String> FLAGS = Set.of("--json", "--kill", "--commit", "--abort", "--list", "--purge", "-f",
            "--follow", "--help");

    /** @param words the words after {@code ./pledge}; {@link #ANY} for a word a test computes */
    public static CliUse of(List<String> words) {
        boolean synopsis = words.stream().anyMatch(w -> w.contains("[") || w.contains("|") || w.equals("..."));
        List<String> plain = words.stream().map(w -> w.replace("[", "").replace("]", ""))
                .filter(w -> !w.isEmpty() && !w.equals("...")).toList();
        int at = plain.isEmpty() ? 0 : GROUPS.contains(plain.get(0)) && plain.size() > 1 ? 2 : 1;
        List<String> path = plain.subList(0, at);
        Map<String, Set<String>> options = new LinkedHashMap<>();
        List<String> arguments = new ArrayList<>();
        for (int i = at; i < plain.size(); i++) {
            String word = plain.get(i);
            if (!word.startsWith("-")) {
                arguments.add(placeholder(word) ? ANY : word);
                continue;
            }
            for (String name : word.split("\\|")) {
                if (FLAGS.contains(name)) {
                    options.put(name, Set.of());
                } else {
                    String value = i + 1 < plain.size() ? plain.get(++i) : ANY;
                    options.put(name, placeholder(value) ? Set.of(ANY) : new LinkedHashSet<>(List.of(value.split("\\|"))));
                }
            }
        }
        return new CliUse(List.copyOf(path), options, arguments, synopsis);
    }

    /** A word that stands for any value: a placeholder such as N, ID or COMPONENT... (no lower case, no digit). */
    static boolean placeholder(String word) {
        return word.equals(ANY) || !word.matches(".*[a-z0-9].*");
    }

    public String command() {
        return String.join(" ", path);
    }

    /** Whether this use gives the option the value (any value when {@code value} is {@link #ANY}). */
    public boolean gives(String option, String value) {
        Set<String> values = options.get(option);
        return values != null && (value.equals(ANY) || values.contains(value));
    }
}
