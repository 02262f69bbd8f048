package dev.pledge.system.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code ./pledge} command lines the system tests run: every {@code pledge.run(...)} and
 * {@code pledge.start(...)} call of their sources (the tests name their {@code PledgeCommand} {@code pledge}), a
 * string literal taken as written and any other argument as {@link CliUse#ANY}.
 */
public record TestInvocations(List<Invocation> all) {
    public record Invocation(String where, CliUse use) {
    }

    private static final Pattern CALL = Pattern.compile("\\bpledge\\.(run|start)\\(");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static TestInvocations in(Path sources) {
        List<Invocation> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                all.addAll(in(sources.relativize(f).toString(), Files.readString(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestInvocations(all);
    }

    public static List<Invocation> in(String file, String source) {
        List<Invocation> found = new ArrayList<>();
        Matcher call = CALL.matcher(source);
        while (call.find()) {
            List<String> words = new ArrayList<>();
            for (String arg : arguments(source, call.end())) {
                Matcher literal = LITERAL.matcher(arg);
                words.add(literal.matches() ? literal.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : CliUse.ANY);
            }
            if (!words.isEmpty()) {
                int line = (int) source.substring(0, call.start()).chars().filter(c -> c == '\n').count() + 1;
                found.add(new Invocation(file + ":" + line, CliUse.of(words)));
            }
        }
        return found;
    }

    /** The arguments of the call whose parenthesis opened just before {@code from}, split at top-level commas. */
    private static List<String> arguments(String source, int from) {
        List<String> args = new ArrayList<>();
        StringBuilder arg = new StringBuilder();
        int depth = 0;
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '"') { // a string literal, whole: it may hold commas and parentheses
                int end = i + 1;
                while (source.charAt(end) != '"') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                arg.append(source, i, end + 1);
                i = end;
            } else if ((c == ')' || c == ',') && depth == 0) {
                if (!arg.toString().isBlank()) {
                    args.add(arg.toString().strip());
                }
                arg.setLength(0);
                if (c == ')') {
                    return args;
                }
            } else {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                arg.append(c);
            }
        }
        throw new IllegalStateException("unclosed call at offset " + from);
    }
}
