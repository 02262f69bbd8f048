package dev.pledge.system.deploy;

import static dev.pledge.system.deploy.YamlDoc.str;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the deployments must not ship: the lab switch on (crash points and saga silence reachable from the
 * network), or a credential written in a file instead of taken from a Secret or the operator's environment.
 */
public record SecurityChecks(Manifests m, ComposeChecks compose) {
    private static final String LAB = "pledge.lab.enabled";
    private static final Pattern LAB_ON = Pattern.compile("(?i)(PLEDGE_LAB_ENABLED|pledge\\.lab\\.enabled)\\W+true\\b");
    /** Names of settings that carry a credential. */
    private static final Pattern CREDENTIAL = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIAL).*");
    /** A Compose value the operator must give: ${VAR} or ${VAR:?message}, no default written in the file. */
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("^\\$\\{[A-Z0-9_]+(:\\?[^}]*)?}$");

    /** No file under deploy/ turns the lab on, and every service's own default leaves it off. */
    public List<String> labIsOffOutsideTheLocalStack() {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(m.home().resolve("deploy"))) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String[] lines = ServiceModule.read(f).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    Matcher on = LAB_ON.matcher(lines[i]);
                    if (on.find() || lines[i].contains("PLEDGE_LAB_ENABLED") && i + 1 < lines.length
                            && lines[i + 1].matches("\\s*value:\\s*[\"']?true[\"']?\\s*")) {
                        problems.add(m.where(f) + ":" + (i + 1) + ": turns the lab switch on (crash points, saga silence)");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (ServiceModule s : m.services()) {
            String value = s.property(LAB);
            if (s.property("pledge.crash-points") != null && !"false".equals(value == null ? null : value.trim())) {
                problems.add(s.name() + "/src/main/resources/application.properties: has crash points but does not set "
                        + LAB + "=false (it is " + value + ")");
            }
        }
        return problems;
    }

    /** Credentials come from Secrets (Kubernetes) or the operator's environment (Compose), never from the files. */
    public List<String> noCredentialIsWrittenInAFile() {
        List<String> problems = new ArrayList<>();
        for (YamlDoc d : m.of("Deployment")) {
            for (Map<String, Object> c : Pods.containers(d)) {
                for (Map<String, Object> var : YamlDoc.maps(c, "env")) {
                    String name = str(var, "name");
                    if (CREDENTIAL.matcher(name).matches() && var.containsKey("value")) {
                        problems.add(d.where() + ": " + name + " is written in the manifest; take it from a Secret (valueFrom)");
                    }
                }
            }
        }
        for (String kind : List.of("Secret", "ConfigMap")) {
            for (YamlDoc d : m.of(kind)) {
                Manifests.data(d).forEach((k, v) -> {
                    if (kind.equals("Secret") || CREDENTIAL.matcher(k).matches()) {
                        problems.add(d.where() + ": " + k + " holds a credential in the manifest; the operator fills "
                                + "Secrets (or cert-manager and CloudNativePG write them)");
                    }
                });
            }
        }
        for (String service : compose.services().keySet()) {
            compose.env(service).forEach((k, v) -> {
                if (CREDENTIAL.matcher(k).matches() && !REQUIRED_VARIABLE.matcher(v).matches()) {
                    problems.add(m.where(m.compose()) + ": " + service + "'s " + k + " is " + v
                            + "; it must come from the operator's environment with no default (${VAR:?...})");
                }
            });
        }
        return problems;
    }
}
