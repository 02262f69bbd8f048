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
 * A command README.md or a doc shows: a line of a shell block ({@code sh}, {@code bash}, {@code console}; in a
 * console block only the lines after a {@code $} prompt), or inline code that starts with a program a reader
 * would run. {@code a && b} is two commands; a {@code for} loop is its body once for each value.
 */
public record DocCommand(String where, List<String> words) {
    /** The programs whose inline code spans are commands rather than names. */
    private static final Pattern INLINE = Pattern.compile("`((?:\\./pledge|\\./mvnw|curl|psql|kubectl|docker|kind) [^`]+)`");
    private static final Pattern FENCE = Pattern.compile("^```\\s*(\\w*)");
    private static final Pattern FOR = Pattern.compile("^for (\\w+) in (.+); do$");

    public String program() {
        return words.get(0);
    }

    public List<String> args() {
        return words.subList(1, words.size());
    }

    public String text() {
        return String.join(" ", words);
    }

    @Override
    public String toString() {
        return where + ": " + text();
    }

    /** The commands of README.md, docs/*.md and every README under deploy/. */
    public static List<DocCommand> all(Path home) {
        List<Path> files = new ArrayList<>(List.of(home.resolve("README.md")));
        try (Stream<Path> docs = Files.list(home.resolve("docs")); Stream<Path> deploy = Files.walk(home.resolve("deploy"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
            deploy.filter(f -> f.getFileName().toString().equals("README.md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<DocCommand> commands = new ArrayList<>();
        for (Path f : files) {
            try {
                commands.addAll(in(home.relativize(f).toString(), Files.readAllLines(f)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return commands;
    }

    private static void inline(String[] paragraph, List<DocCommand> into) {
        if (paragraph != null) {
            Matcher code = INLINE.matcher(paragraph[1]);
            while (code.find()) {
                split(paragraph[0], code.group(1).replace("\\|", "|"), into);
            }
        }
    }

    /** The commands of one markdown text. */
    public static List<DocCommand> in(String file, List<String> lines) {
        List<DocCommand> commands = new ArrayList<>();
        String block = null; // the language of the fenced block we are in, "" when it names none
        List<String> loopValues = null;
        String loopVariable = null;
        String continued = "";
        String[] paragraph = null; // where it starts, and its text
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = file + ":" + (i + 1);
            Matcher fence = FENCE.matcher(line.trim());
            boolean isFence = fence.find();
            if (isFence || block == null && line.isBlank()) {
                inline(paragraph, commands); // inline code may run over a line break, so a paragraph is read whole
                paragraph = null;
                if (isFence) {
                    block = block == null ? fence.group(1) : null;
                }
                continue;
            }
            if (block == null) {
                paragraph = paragraph == null ? new String[] {where, line}
                        : new String[] {paragraph[0], paragraph[1] + " " + line.strip()};
                continue;
            }
            String command = command(block, continued.isEmpty() ? line : "$ " + continued + " " + line.strip());
            if (command == null) {
                continue;
            }
            if (command.endsWith("\\")) {
                continued = command.substring(0, command.length() - 1).strip();
                continue;
            }
            continued = "";
            Matcher loop = FOR.matcher(command);
            if (loop.find()) {
                loopVariable = loop.group(1);
                loopValues = List.of(loop.group(2).trim().split("\\s+"));
            } else if (command.equals("done")) {
                loopValues = null;
            } else if (loopValues != null) {
                for (String value : loopValues) {
                    split(where, command.replace("$" + loopVariable, value), commands);
                }
            } else {
                split(where, command, commands);
            }
        }
        inline(paragraph, commands);
        return commands;
    }

    /**
     * The command a line of a fenced block holds, without prompt, sudo and comment; null when none. A line that
     * continues on the next ends with its backslash.
     */
    private static String command(String language, String line) {
        boolean shell = language.equals("sh") || language.equals("bash") || language.equals("shell");
        String text = line.strip();
        if (text.startsWith("$ ")) {
            text = text.substring(2);
        } else if (language.equals("console") || !shell) {
            return null;
        }
        text = ShellWords.withoutComment(text).strip();
        if (text.startsWith("sudo ")) {
            text = text.substring(5);
        }
        return text.isEmpty() ? null : text;
    }

    private static void split(String where, String text, List<DocCommand> into) {
        for (String part : text.split("\\s*&&\\s*")) {
            List<String> words = ShellWords.split(part);
            if (!words.isEmpty()) {
                into.add(new DocCommand(where, words));
            }
        }
    }
}
