package dev.pledge.system.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.pledge.stack.StackConfig;

/**
 * The commands the docs show beside {@code ./pledge} on the local machine: the build, an HTTP request, psql and
 * an environment setting. Each must be run by CI or by a test, against what the local stack really serves.
 */
public final class LocalCommands {
    private final Path home;
    private final String tests;

    public LocalCommands(Path home) {
        this.home = home;
        this.tests = testSources(home);
    }

    /** Whether a check here knows the command. */
    public static boolean knows(DocCommand c) {
        return List.of("curl", "psql", "export").contains(c.program())
                || c.program().equals("./mvnw") && !c.args().contains("package");
    }

    public List<String> check(DocCommand c) {
        List<String> problems = new ArrayList<>();
        switch (c.program()) {
            case "./mvnw" -> build(c, problems);
            case "curl" -> request(c, problems);
            case "psql" -> psql(c, problems);
            default -> setting(c, problems);
        }
        return problems;
    }

    /**
     * The test command, which CI runs exactly; with {@code -PNAME}, the same tests with a profile that only
     * changes {@code pledge.*} settings they read.
     */
    private void build(DocCommand c, List<String> problems) {
        List<String> ci = read(home.resolve(".ci/run")).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        String last = ci.get(ci.size() - 1);
        List<String> profiles = c.args().stream().filter(a -> a.startsWith("-P")).map(a -> a.substring(2)).toList();
        String withoutProfiles = String.join(" ", c.words().stream().filter(w -> !w.startsWith("-P")).toList());
        if (!last.equals(withoutProfiles)) {
            problems.add(c + ": .ci/run ends with `" + last + "`, not this command");
        }
        for (String profile : profiles) {
            Matcher block = Pattern.compile("<profile>\\s*(?:<!--.*?-->\\s*)?<id>" + Pattern.quote(profile)
                    + "</id>(.*?)</profile>", Pattern.DOTALL).matcher(read(home.resolve("system-tests/pom.xml")));
            if (!block.find()) {
                problems.add(c + ": system-tests/pom.xml has no profile " + profile);
                continue;
            }
            Matcher setting = Pattern.compile("<(pledge\\.[\\w.]+)>").matcher(block.group(1));
            while (setting.find()) {
                if (!tests.contains("\"" + setting.group(1) + "\"")) {
                    problems.add(c + ": the profile sets " + setting.group(1) + ", which no test reads");
                }
            }
        }
    }

    /** A request to a service of the local stack, on its default port, for a path a test requests. */
    private void request(DocCommand c, List<String> problems) {
        URI url = URI.create(c.args().stream().filter(a -> a.startsWith("http")).findFirst().orElse("http:///"));
        if (!StackConfig.DEFAULT_PORTS.containsValue(url.getPort())) {
            problems.add(c + ": no component of the local stack listens on port " + url.getPort() + " by default");
        }
        if (!tests.contains("\"" + url.getPath() + "\"") && !tests.contains(url.getPath() + "\"")) {
            problems.add(c + ": no test requests " + url.getPath());
        }
    }

    /** psql to a participant's database on its server's default port, as a system test runs it. */
    private void psql(DocCommand c, List<String> problems) {
        List<String> a = c.args();
        String database = a.get(a.size() - 1);
        String port = a.get(a.indexOf("-p") + 1);
        Integer expected = StackConfig.DEFAULT_PORTS.get("postgres-" + database);
        if (expected == null || !port.equals(expected.toString())) {
            problems.add(c + ": the local stack's database " + database + " is on port " + expected + " by default");
        }
        String user = a.get(a.indexOf("-U") + 1);
        if (!tests.contains("new ProcessBuilder(\"psql\"") || !tests.contains("\"-U\", \"" + user + "\", \"" + database + "\"")) {
            problems.add(c + ": no system test runs psql -U " + user + " " + database);
        }
    }

    /** An environment variable a test gives the services the same way. */
    private void setting(DocCommand c, List<String> problems) {
        String variable = c.args().get(0).replaceFirst("=.*", "");
        if (!tests.contains("\"" + variable + "\"")) {
            problems.add(c + ": no test sets " + variable);
        }
    }

    /** The test sources of every module, as one text. */
    private static String testSources(Path home) {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> modules = Files.list(home)) {
            for (Path tests : modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.walk(tests)) {
                    files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> all.append(read(f)).append('\n'));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
