package dev.pledge.system;

import static dev.pledge.system.DeployManifestsTest.assertNone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.pledge.system.deploy.Manifests;
import dev.pledge.system.deploy.Pods;
import dev.pledge.system.deploy.ServiceModule;
import dev.pledge.system.deploy.YamlDoc;

/** docs/configuration.md keeps up with the settings: every one a service, a manifest or the local stack has is in it. */
class ConfigurationDocTest {
    private static final Path HOME = ServiceModule.home();
    private static final String DOC_FILE = "docs/configuration.md";
    private static final Map<String, String> SECTIONS = sections(ServiceModule.read(HOME.resolve(DOC_FILE)));
    private static final Pattern VARIABLE = Pattern.compile("^(PLEDGE|QUARKUS|KAFKA)_[A-Z0-9_]+$");

    @Test
    void everyPledgeSettingOfAServiceIsInItsSectionAsItsVariable() {
        List<String> problems = new ArrayList<>();
        for (ServiceModule s : ServiceModule.all(HOME)) {
            StringBuilder text = new StringBuilder();
            SECTIONS.forEach((heading, body) -> {
                if (heading.contains("`" + s.name() + "`") || heading.startsWith("Every service")) {
                    text.append(body);
                }
            });
            if (text.isEmpty()) {
                problems.add(DOC_FILE + ": no section whose heading names `" + s.name() + "`");
            }
            for (String key : s.pledgeKeys()) {
                String variable = ServiceModule.envName(key);
                if (!text.toString().contains("`" + variable + "`")) {
                    problems.add(DOC_FILE + ": the section of `" + s.name() + "` does not give `" + variable + "` ("
                            + key + " in " + s.name() + "/src/main/resources/application.properties)");
                }
            }
        }
        assertNone(problems);
    }

    @Test
    void everyVariableTheManifestsSetIsDocumented() {
        Manifests m = Manifests.load();
        Map<String, String> set = new LinkedHashMap<>();
        for (YamlDoc cm : m.of("ConfigMap")) {
            Manifests.data(cm).keySet().forEach(k -> set.putIfAbsent(k, cm.where()));
        }
        for (YamlDoc d : m.of("Deployment")) {
            Pods.containers(d).forEach(c -> YamlDoc.maps(c, "env").forEach(e -> set.putIfAbsent(YamlDoc.str(e, "name"), d.where())));
        }
        List<YamlDoc> compose = YamlDoc.load(HOME, m.compose());
        YamlDoc.map(compose.get(0).body(), "services").forEach((name, service) -> {
            if (String.valueOf(YamlDoc.str(service, "image")).startsWith("pledge/")) {
                YamlDoc.map(service, "environment").keySet().forEach(k -> set.putIfAbsent(k, m.where(m.compose()) + ": " + name));
            }
        });
        List<String> problems = new ArrayList<>();
        set.forEach((variable, where) -> {
            if (VARIABLE.matcher(variable).matches() && !documented(variable)) {
                problems.add(where + " sets " + variable + ", which " + DOC_FILE + " does not give");
            }
        });
        assertNone(problems);
    }

    @Test
    void everyVariableOfTheLocalStackIsDocumented() throws IOException {
        Path sources = HOME.resolve("stack/src/main/java/dev/pledge/stack");
        Set<String> variables = new TreeSet<>();
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher literal = Pattern.compile("\"(PLEDGE_[A-Z0-9_]*[A-Z0-9])\"").matcher(ServiceModule.read(file));
                while (literal.find()) {
                    variables.add(literal.group(1));
                }
            }
        }
        // the port of each component of the default list: PLEDGE_<COMPONENT>_PORT
        String stack = ServiceModule.read(sources.resolve("Stack.java"));
        Matcher put = Pattern.compile("p\\.put\\(Stack\\.([A-Z_]+),").matcher(ServiceModule.read(sources.resolve("StackConfig.java")));
        while (put.find()) {
            Matcher name = Pattern.compile(put.group(1) + "\\s*=\\s*\"([a-z-]+)\"").matcher(stack);
            if (name.find()) {
                variables.add(ServiceModule.envName("pledge." + name.group(1) + ".port"));
            }
        }
        List<String> problems = new ArrayList<>();
        if (variables.isEmpty()) {
            problems.add("found no PLEDGE_ variable in " + HOME.relativize(sources));
        }
        variables.stream().filter(v -> !documented(v))
                .forEach(v -> problems.add(HOME.relativize(sources) + " reads or sets " + v + ", which " + DOC_FILE + " does not give"));
        assertNone(problems);
    }

    private static boolean documented(String variable) {
        return SECTIONS.values().stream().anyMatch(body -> body.contains("`" + variable + "`"));
    }

    /** The document's "## " sections by heading (the text before the first is under ""). */
    private static Map<String, String> sections(String doc) {
        Map<String, String> sections = new LinkedHashMap<>();
        String heading = "";
        StringBuilder body = new StringBuilder();
        for (String line : doc.split("\n", -1)) {
            if (line.startsWith("## ")) {
                sections.put(heading, body.toString());
                heading = line.substring(3).trim();
                body = new StringBuilder();
            } else {
                body.append(line).append('\n');
            }
        }
        sections.put(heading, body.toString());
        return sections;
    }
}
