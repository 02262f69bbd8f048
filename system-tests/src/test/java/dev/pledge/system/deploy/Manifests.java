package dev.pledge.system.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the checks read: the repository's deployed service modules, and the resources the Kustomize base builds
 * ({@code deploy/kubernetes/base}), overlays not applied.
 */
public record Manifests(Path home, List<ServiceModule> services, List<YamlDoc> base) {

    public static Manifests load() {
        Path home = ServiceModule.home();
        List<YamlDoc> base = Kustomization.in(home, home.resolve("deploy/kubernetes/base")).build();
        return new Manifests(home, ServiceModule.deployed(home), base);
    }

    public Path kubernetes() {
        return home.resolve("deploy/kubernetes");
    }

    public Path compose() {
        return home.resolve("deploy/compose/compose.yaml");
    }

    public List<YamlDoc> of(String kind) {
        return base.stream().filter(d -> kind.equals(d.kind())).toList();
    }

    public Optional<YamlDoc> named(String kind, String name) {
        return base.stream().filter(d -> d.is(kind, name)).findFirst();
    }

    /** The Deployments whose pods carry every label of the selector. */
    public List<YamlDoc> selectedBy(Map<String, Object> selector) {
        return of("Deployment").stream().filter(d -> Pods.selects(selector, Pods.templateLabels(d))).toList();
    }

    /** The keys a ConfigMap or Secret holds (data and stringData). */
    public static Map<String, Object> data(YamlDoc doc) {
        Map<String, Object> data = new java.util.TreeMap<>(YamlDoc.map(doc.body(), "data"));
        data.putAll(YamlDoc.map(doc.body(), "stringData"));
        return data;
    }

    /** A container's environment as the ConfigMaps it reads (envFrom) and its own env values give it. */
    public Map<String, String> plainEnv(Map<String, Object> container) {
        Map<String, String> env = new java.util.TreeMap<>();
        for (Map<String, Object> from : YamlDoc.maps(container, "envFrom")) {
            String name = YamlDoc.str(from, "configMapRef", "name");
            if (name != null) {
                named("ConfigMap", name).ifPresent(cm -> data(cm).forEach((k, v) -> env.put(k, String.valueOf(v))));
            }
        }
        for (Map<String, Object> var : YamlDoc.maps(container, "env")) {
            if (var.containsKey("value")) {
                env.put(YamlDoc.str(var, "name"), YamlDoc.str(var, "value"));
            }
        }
        return env;
    }

    /** A whole-number constant of a Java source of the repository, e.g. the local stack's max_prepared_transactions. */
    public int constant(String source, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(name + "\\s*=\\s*(\\d+)")
                .matcher(ServiceModule.read(home.resolve(source)));
        if (!m.find()) {
            throw new IllegalStateException("no constant " + name + " in " + source);
        }
        return Integer.parseInt(m.group(1));
    }

    public String where(Path file) {
        return home.relativize(file).toString();
    }
}
