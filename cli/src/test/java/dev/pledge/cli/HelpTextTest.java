package dev.pledge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/** Every command's help renders without picocli warnings; building the tree starts nothing. */
class HelpTextTest {
    /** An odd run of '%' before a space: a format conversion picocli cannot apply ("10% of" must be "10%% of"). */
    private static final Pattern UNESCAPED_PERCENT = Pattern.compile("(?<!%)(%%)*% ");

    @Test
    void everyCommandRendersItsHelpWithoutWarnings() {
        List<String> problems = new ArrayList<>();
        for (CommandLine command : commandTree()) {
            String name = command.getCommandSpec().qualifiedName();
            Rendered rendered = render(command);
            assertThat(rendered.usage()).as("usage of %s", name).contains("Usage:");
            if (!rendered.stderr().isBlank()) {
                problems.add(name + " wrote while rendering its help: " + rendered.stderr().strip());
            }
        }
        assertThat(problems).as("commands whose help picocli could not render cleanly").isEmpty();
    }

    @Test
    void noHelpTextHasAnUnescapedPercentSign() {
        List<String> problems = new ArrayList<>();
        for (CommandLine command : commandTree()) {
            CommandSpec spec = command.getCommandSpec();
            helpLines(spec).filter(line -> UNESCAPED_PERCENT.matcher(line).find())
                    .forEach(line -> problems.add(spec.qualifiedName() + ": \"" + line + "\" (write %% for a percent sign)"));
        }
        assertThat(problems).as("help lines with a lone percent sign before a space").isEmpty();
    }

    private static List<CommandLine> commandTree() {
        Set<CommandLine> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new Pledge()), seen, all);
        assertThat(all).extracting(c -> c.getCommandSpec().qualifiedName()).contains("pledge chaos", "pledge help");
        return all;
    }

    private static void collect(CommandLine command, Set<CommandLine> seen, List<CommandLine> all) {
        if (!seen.add(command)) {
            return; // aliases map to the same CommandLine
        }
        all.add(command);
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            collect(sub.getValue(), seen, all);
        }
    }

    private record Rendered(String usage, String stderr) {}

    /** Picocli's tracer prints its warnings to whatever System.err is when it warns. */
    private static Rendered render(CommandLine command) {
        assertThat(CommandLine.tracer().isWarn()).as("picocli's tracer reports warnings").isTrue();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String usage = command.getUsageMessage(Ansi.OFF);
            return new Rendered(usage, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    private static Stream<String> helpLines(CommandSpec spec) {
        UsageMessageSpec usage = spec.usageMessage();
        Stream<String> own = Stream.of(usage.header(), usage.description(), usage.footer(),
                usage.customSynopsis()).flatMap(Stream::of);
        Stream<String> args = spec.args().stream().map(ArgSpec::description).flatMap(Stream::of);
        return Stream.concat(own, args);
    }
}
