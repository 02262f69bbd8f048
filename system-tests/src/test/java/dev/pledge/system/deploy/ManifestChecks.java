package dev.pledge.system.deploy;

import static dev.pledge.system.deploy.YamlDoc.map;
import static dev.pledge.system.deploy.YamlDoc.maps;
import static dev.pledge.system.deploy.YamlDoc.str;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The Kubernetes manifests on their own: each resource has what its kind requires, and every reference resolves. */
public record ManifestChecks(Manifests m) {
    /** The keys of the Secret Strimzi's User Operator writes for a SCRAM-SHA-512 KafkaUser, named after it. */
    private static final List<String> STRIMZI_USER_KEYS = List.of("password", "sasl.jaas.config");
    /** The keys of the Secret {@code <cluster>-app} that CloudNativePG writes for a Cluster's application owner. */
    static final Set<String> CNPG_APP_KEYS = Set.of("username", "user", "password", "dbname", "host", "port",
            "pgpass", "uri", "jdbc-uri", "fqdn-uri", "fqdn-jdbc-uri");

    public List<String> everyDocumentParsesAndNamesItsKind() {
        List<String> problems = new ArrayList<>();
        List<Path> files = yamlFilesUnder(m.kubernetes(), m.compose().getParent());
        if (files.isEmpty() || m.services().isEmpty()) {
            problems.add("found no YAML under deploy/kubernetes and deploy/compose, or no service module");
        }
        for (Path file : files) {
            List<YamlDoc> docs;
            try {
                docs = YamlDoc.load(m.home(), file);
            } catch (RuntimeException e) {
                problems.add(m.where(file) + ": not valid YAML: " + e.getMessage());
                continue;
            }
            if (docs.isEmpty()) {
                problems.add(m.where(file) + ": no document");
            }
            for (YamlDoc doc : docs.stream().filter(d -> file.startsWith(m.kubernetes())).toList()) {
                for (String field : List.of("apiVersion", "kind")) {
                    if (blank(str(doc.body(), field))) {
                        problems.add(doc.relative() + ": a document without " + field);
                    }
                }
                if (!"Kustomization".equals(doc.kind()) && blank(doc.name())) {
                    problems.add(doc.relative() + ": a " + doc.kind() + " without metadata.name");
                }
            }
        }
        return problems;
    }

    public List<String> kustomizationsListEveryFileOfTheirFolderAndNoOther() {
        List<String> problems = new ArrayList<>();
        for (Kustomization k : Kustomization.under(m.home(), m.kubernetes())) {
            List<String> entries = new ArrayList<>(k.resources());
            entries.addAll(k.patchFiles());
            for (String entry : entries) {
                Path path = k.dir().resolve(entry).normalize();
                boolean exists = Files.isDirectory(path) ? Files.exists(path.resolve("kustomization.yaml"))
                        : Files.isRegularFile(path);
                if (!exists) {
                    problems.add(k.where() + ": lists " + entry + ", which is neither a file nor a kustomization");
                }
            }
            for (Path file : k.yamlFiles()) {
                if (entries.stream().noneMatch(e -> k.dir().resolve(e).normalize().equals(file))) {
                    problems.add(k.where() + ": does not list " + m.where(file));
                }
            }
        }
        return problems;
    }

    public List<String> deploymentsHaveSelectorsImagesPortsProbesAndResources() {
        List<String> problems = new ArrayList<>();
        for (YamlDoc d : m.of("Deployment")) {
            Map<String, Object> selector = map(d.body(), "spec", "selector", "matchLabels");
            if (!Pods.selects(selector, Pods.templateLabels(d))) {
                problems.add(d.where() + ": selector " + selector + " does not match the pod labels " + Pods.templateLabels(d));
            }
            if (Pods.containers(d).isEmpty()) {
                problems.add(d.where() + ": no containers");
            }
            for (Map<String, Object> c : Pods.containers(d)) {
                String where = d.where() + ": container " + str(c, "name");
                if (blank(str(c, "image"))) {
                    problems.add(where + ": no image");
                }
                if (maps(c, "ports").isEmpty() || maps(c, "ports").stream().anyMatch(p -> str(p, "containerPort") == null)) {
                    problems.add(where + ": needs ports, each with a containerPort");
                }
                probe(problems, where, c, "readinessProbe", "/q/health/ready");
                probe(problems, where, c, "livenessProbe", "/q/health/live");
                if (c.containsKey("startupProbe")) {
                    probe(problems, where, c, "startupProbe", "/q/health/started");
                }
                for (String bound : List.of("requests", "limits")) {
                    if (map(c, "resources", bound).isEmpty()) {
                        problems.add(where + ": no resources." + bound);
                    }
                }
            }
        }
        return problems;
    }

    public List<String> servicesAndDisruptionBudgetsSelectADeploymentAndItsPorts() {
        List<String> problems = new ArrayList<>();
        for (YamlDoc s : m.of("Service")) {
            Map<String, Object> selector = map(s.body(), "spec", "selector");
            List<YamlDoc> selected = m.selectedBy(selector);
            if (selected.isEmpty()) {
                problems.add(s.where() + ": selector " + selector + " matches no Deployment's pods");
            }
            for (Map<String, Object> port : maps(s.body(), "spec", "ports")) {
                Object target = port.getOrDefault("targetPort", port.get("port"));
                for (YamlDoc d : selected) {
                    if (Pods.containers(d).stream().noneMatch(c -> Pods.hasPort(c, target))) {
                        problems.add(s.where() + ": targetPort " + target + " is no container port of " + d.where());
                    }
                }
            }
        }
        for (YamlDoc pdb : m.of("PodDisruptionBudget")) {
            Map<String, Object> selector = map(pdb.body(), "spec", "selector", "matchLabels");
            if (m.selectedBy(selector).isEmpty()) {
                problems.add(pdb.where() + ": selector " + selector + " matches no Deployment's pods");
            }
            if (str(pdb.body(), "spec", "minAvailable") == null && str(pdb.body(), "spec", "maxUnavailable") == null) {
                problems.add(pdb.where() + ": neither minAvailable nor maxUnavailable");
            }
        }
        return problems;
    }

    public List<String> everyConfigMapAndSecretAPodReadsExists() {
        List<String> problems = new ArrayList<>();
        for (YamlDoc d : m.of("Deployment")) {
            for (Map<String, Object> c : Pods.containers(d)) {
                String where = d.where() + ": container " + str(c, "name");
                for (Map<String, Object> from : maps(c, "envFrom")) {
                    refersTo(problems, where, "ConfigMap", str(from, "configMapRef", "name"), null);
                    refersTo(problems, where, "Secret", str(from, "secretRef", "name"), null);
                }
                for (Map<String, Object> env : maps(c, "env")) {
                    String var = where + ": env " + str(env, "name");
                    refersTo(problems, var, "ConfigMap", str(env, "valueFrom", "configMapKeyRef", "name"),
                            str(env, "valueFrom", "configMapKeyRef", "key"));
                    refersTo(problems, var, "Secret", str(env, "valueFrom", "secretKeyRef", "name"),
                            str(env, "valueFrom", "secretKeyRef", "key"));
                }
            }
        }
        return problems;
    }

    public List<String> overlayPatchesAndImagesTargetWhatTheyBuildOn() {
        List<String> problems = new ArrayList<>();
        for (Kustomization k : Kustomization.under(m.home(), m.kubernetes())) {
            List<YamlDoc> built = k.build();
            for (String file : k.strategicMergeFiles()) {
                Path path = k.dir().resolve(file).normalize();
                // a file that is not there is reported by the listing check
                for (YamlDoc patch : Files.isRegularFile(path) ? YamlDoc.load(m.home(), path) : List.<YamlDoc>of()) {
                    if (built.stream().noneMatch(r -> r.is(patch.kind(), patch.name()) && r.group().equals(patch.group()))) {
                        problems.add(k.where() + ": patch " + patch.where() + " matches no resource it builds on");
                    }
                }
            }
            k.patches().stream().filter(p -> p.containsKey("target"))
                    .forEach(p -> OverlayPatches.check(problems, k.where(), p, built));
            Set<String> images = new TreeSet<>();
            built.stream().filter(r -> "Deployment".equals(r.kind())).flatMap(r -> Pods.containers(r).stream())
                    .forEach(c -> images.add(Pods.imageName(str(c, "image"))));
            for (Map<String, Object> image : k.images()) {
                if (!images.contains(str(image, "name"))) {
                    problems.add(k.where() + ": images names " + str(image, "name") + ", which no container runs " + images);
                }
            }
        }
        return problems;
    }

    private void refersTo(List<String> problems, String where, String kind, String name, String key) {
        if (name == null) {
            return;
        }
        var declared = m.named(kind, name);
        if (declared.isPresent()) {
            if (key != null && !Manifests.data(declared.get()).containsKey(key)) {
                problems.add(where + ": " + kind + " " + name + " has no key " + key);
            }
        } else if (kind.equals("Secret") && m.named("KafkaUser", name).isPresent()) {
            if (key != null && !STRIMZI_USER_KEYS.contains(key)) {
                problems.add(where + ": the Secret Strimzi writes for the KafkaUser " + name + " has no key " + key + " "
                        + STRIMZI_USER_KEYS);
            }
        } else if (kind.equals("Secret") && cnpgCluster(name) != null) {
            if (key != null && !CNPG_APP_KEYS.contains(key)) {
                problems.add(where + ": CloudNativePG's Secret " + name + " has no key " + key + " " + CNPG_APP_KEYS);
            }
        } else {
            problems.add(where + ": reads " + kind + " " + name + ", which the base does not declare"
                    + (kind.equals("Secret") ? " and neither a CloudNativePG Cluster nor a KafkaUser writes" : ""));
        }
    }

    /** The CloudNativePG Cluster whose application Secret this is ({@code <cluster>-app}), or null. */
    YamlDoc cnpgCluster(String secret) {
        if (!secret.endsWith("-app")) {
            return null;
        }
        String cluster = secret.substring(0, secret.length() - "-app".length());
        return m.named("Cluster", cluster).filter(c -> c.group().equals("postgresql.cnpg.io")).orElse(null);
    }

    private static void probe(List<String> problems, String where, Map<String, Object> c, String probe, String path) {
        Map<String, Object> get = map(c, probe, "httpGet");
        if (get.isEmpty()) {
            problems.add(where + ": no " + probe + " with httpGet");
            return;
        }
        if (!path.equals(str(get, "path"))) {
            problems.add(where + ": " + probe + " asks " + str(get, "path") + ", not " + path);
        }
        if (!Pods.hasPort(c, get.get("port"))) {
            problems.add(where + ": " + probe + " port " + get.get("port") + " is no port of the container " + Pods.portsText(c));
        }
    }

    private static List<Path> yamlFilesUnder(Path... roots) {
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return files;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
