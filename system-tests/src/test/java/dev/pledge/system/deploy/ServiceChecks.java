package dev.pledge.system.deploy;

import static dev.pledge.system.deploy.YamlDoc.map;
import static dev.pledge.system.deploy.YamlDoc.maps;
import static dev.pledge.system.deploy.YamlDoc.str;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The Kubernetes manifests against the services: image, port, database, addresses and replicas. */
public record ServiceChecks(Manifests m) {
    private static final Pattern URL = Pattern.compile("^https?://([a-z0-9-]+):(\\d+)(/.*)?$");

    public List<String> eachServiceRunsItsModuleImageOnItsPort() {
        List<String> problems = new ArrayList<>();
        Set<String> modules = m.services().stream().map(ServiceModule::name).collect(Collectors.toCollection(TreeSet::new));
        m.of("Deployment").stream().filter(d -> !modules.contains(d.name()))
                .forEach(d -> problems.add(d.where() + ": no service module of that name " + modules));
        for (ServiceModule s : m.services()) {
            String props = s.name() + "/src/main/resources/application.properties";
            if (!"pledge".equals(s.buildSetting("quarkus.container-image.group"))
                    || !s.name().equals(s.buildSetting("quarkus.container-image.name"))) {
                problems.add(props + " (or its pom.xml): quarkus.container-image.group/name should make pledge/" + s.name()
                        + ", not " + s.image());
            }
            Optional<YamlDoc> deployment = Pods.deployment(m.base(), s.name());
            if (deployment.isEmpty()) {
                problems.add("deploy/kubernetes/base: no Deployment " + s.name() + " for the service module " + s.name());
                continue;
            }
            YamlDoc d = deployment.get();
            for (Map<String, Object> c : Pods.containers(d)) {
                if (!s.image().equals(Pods.imageName(str(c, "image")))) {
                    problems.add(d.where() + ": runs image " + str(c, "image") + ", but " + props + " builds " + s.image());
                }
                Set<String> ports = maps(c, "ports").stream().map(p -> str(p, "containerPort")).collect(Collectors.toSet());
                if (!ports.equals(Set.of(String.valueOf(s.httpPort())))) {
                    problems.add(d.where() + ": container ports " + ports + ", but " + props + " has quarkus.http.port="
                            + s.httpPort());
                }
            }
            Optional<YamlDoc> service = m.named("Service", s.name());
            if (service.isEmpty() || !m.selectedBy(map(service.get().body(), "spec", "selector")).contains(d)) {
                problems.add("deploy/kubernetes/base: no Service " + s.name() + " that selects " + d.where());
            } else if (maps(service.get().body(), "spec", "ports").stream()
                    .noneMatch(p -> String.valueOf(s.httpPort()).equals(str(p, "port")))) {
                problems.add(service.get().where() + ": should serve port " + s.httpPort() + " as the local stack does");
            }
        }
        return problems;
    }

    /** A setting that points at 127.0.0.1 or localhost would make a pod talk to itself: the pod must set it. */
    public List<String> everyLocalAddressOfAServiceIsSetInItsPod() {
        List<String> problems = new ArrayList<>();
        for (ServiceModule s : m.services()) {
            Pods.deployment(m.base(), s.name()).ifPresent(d -> {
                for (Map<String, Object> c : Pods.containers(d)) {
                    Set<String> set = new TreeSet<>(m.plainEnv(c).keySet());
                    maps(c, "env").forEach(e -> set.add(str(e, "name")));
                    for (String key : localSettings(s)) {
                        if (!set.contains(ServiceModule.envName(key))) {
                            problems.add(d.where() + ": does not set " + ServiceModule.envName(key) + " (" + key + "="
                                    + s.property(key) + " in " + s.name() + "'s application.properties)");
                        }
                    }
                }
            });
        }
        return problems;
    }

    public List<String> everyUrlInTheConfigNamesAServiceAndItsPort() {
        List<String> problems = new ArrayList<>();
        for (YamlDoc cm : m.of("ConfigMap")) {
            Manifests.data(cm).forEach((key, value) -> {
                Matcher url = URL.matcher(String.valueOf(value));
                if (url.matches()) {
                    Optional<YamlDoc> service = m.named("Service", url.group(1));
                    if (service.isEmpty() || maps(service.get().body(), "spec", "ports").stream()
                            .noneMatch(p -> url.group(2).equals(str(p, "port")))) {
                        problems.add(cm.where() + ": " + key + "=" + value + " names no Service with that port");
                    }
                }
            });
        }
        return problems;
    }

    public List<String> databasesAreTheOnesTheServicesExpect(int stackPreparedTransactions) {
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (ServiceModule s : m.services()) {
            Optional<YamlDoc> d = Pods.deployment(m.base(), s.name());
            if (s.database().isEmpty() || d.isEmpty()) {
                continue;
            }
            Map<String, Object> c = Pods.containers(d.get()).get(0);
            String secret = str(Pods.env(c, "QUARKUS_DATASOURCE_JDBC_URL").orElse(Map.of()), "valueFrom", "secretKeyRef", "name");
            YamlDoc cluster = secret == null ? null : new ManifestChecks(m).cnpgCluster(secret);
            if (cluster == null) {
                problems.add(d.get().where() + ": QUARKUS_DATASOURCE_JDBC_URL should come from a CloudNativePG Secret <cluster>-app");
                continue;
            }
            used.add(cluster.name());
            for (String var : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
                if (!secret.equals(str(Pods.env(c, var).orElse(Map.of()), "valueFrom", "secretKeyRef", "name"))) {
                    problems.add(d.get().where() + ": " + var + " should come from " + secret + " as the JDBC URL does");
                }
            }
            String db = str(cluster.body(), "spec", "bootstrap", "initdb", "database");
            String owner = str(cluster.body(), "spec", "bootstrap", "initdb", "owner");
            if (!s.database().get().equals(db) || !s.property("quarkus.datasource.username").equals(owner)) {
                problems.add(cluster.where() + ": initdb makes database " + db + " owned by " + owner + ", but " + s.name()
                        + " expects " + s.database().get() + " owned by " + s.property("quarkus.datasource.username"));
            }
            Map<String, Object> params = map(cluster.body(), "spec", "postgresql", "parameters");
            int prepared = Integer.parseInt(String.valueOf(params.getOrDefault("max_prepared_transactions", "0")));
            if (s.isParticipant() && prepared < stackPreparedTransactions) {
                problems.add(cluster.where() + ": max_prepared_transactions=" + prepared + " for participant " + s.name()
                        + "; the local stack runs with " + stackPreparedTransactions);
            }
            int pool = Integer.parseInt(Optional.ofNullable(s.property("quarkus.datasource.jdbc.max-size")).orElse("20"));
            int replicas = Integer.parseInt(Optional.ofNullable(str(d.get().body(), "spec", "replicas")).orElse("1"));
            int connections = Integer.parseInt(String.valueOf(params.getOrDefault("max_connections", "100")));
            if (connections < pool * replicas + 3) {
                problems.add(cluster.where() + ": max_connections=" + connections + " is too few for " + replicas + " x "
                        + pool + " connections of " + s.name());
            }
        }
        m.of("Cluster").stream().filter(c -> !used.contains(c.name()))
                .forEach(c -> problems.add(c.where() + ": no service uses this database"));
        return problems;
    }

    /** Replicas of one service must differ where they must (node id, URL, Kafka member) and keep one up. */
    public List<String> replicatedServicesKeepTheirOwnIdentityAndADisruptionBudget() {
        List<String> problems = new ArrayList<>();
        for (YamlDoc d : m.of("Deployment")) {
            int replicas = Integer.parseInt(Optional.ofNullable(str(d.body(), "spec", "replicas")).orElse("1"));
            if (replicas > 1 && m.of("PodDisruptionBudget").stream().noneMatch(pdb ->
                    m.selectedBy(map(pdb.body(), "spec", "selector", "matchLabels")).contains(d)
                            && Integer.parseInt(String.valueOf(str(pdb.body(), "spec", "minAvailable"))) < replicas)) {
                problems.add(d.where() + ": " + replicas + " replicas and no PodDisruptionBudget with a lower minAvailable");
            }
        }
        for (ServiceModule s : m.services()) {
            Optional<YamlDoc> d = Pods.deployment(m.base(), s.name());
            if (d.isEmpty()) {
                continue;
            }
            if (s.isParticipant() && (!"1".equals(str(d.get().body(), "spec", "replicas"))
                    || !"Recreate".equals(str(d.get().body(), "spec", "strategy", "type")))) {
                problems.add(d.get().where() + ": a participant runs as one process per database (docs/operations.md):"
                        + " replicas 1 and strategy Recreate");
            }
            Map<String, Object> c = Pods.containers(d.get()).get(0);
            if (s.property("pledge.coordinator.url") != null) {
                fromField(problems, d.get(), c, "PLEDGE_COORDINATOR_NODE_ID", "metadata.name");
                fromField(problems, d.get(), c, "POD_IP", "status.podIP");
                String url = "http://$(POD_IP):" + s.httpPort();
                List<String> names = maps(c, "env").stream().map(e -> str(e, "name")).toList();
                if (!url.equals(m.plainEnv(c).get("PLEDGE_COORDINATOR_URL"))
                        || names.indexOf("POD_IP") > names.indexOf("PLEDGE_COORDINATOR_URL")) {
                    problems.add(d.get().where() + ": PLEDGE_COORDINATOR_URL should be " + url + ", after POD_IP");
                }
            }
            // a Kafka member's static id built from PLEDGE_INSTANCE: each pod needs its own
            for (String key : s.properties().stringPropertyNames()) {
                if (!key.startsWith("%") && s.property(key).contains("${pledge.instance")
                        && !perPod(c, "PLEDGE_INSTANCE") && !perPod(c, ServiceModule.envName(key))) {
                    problems.add(d.get().where() + ": " + key + "=" + s.property(key) + " would be the same in every pod:"
                            + " set PLEDGE_INSTANCE or " + ServiceModule.envName(key) + " from the pod's metadata.name");
                }
            }
        }
        return problems;
    }

    private static boolean perPod(Map<String, Object> c, String var) {
        return "metadata.name".equals(str(Pods.env(c, var).orElse(Map.of()), "valueFrom", "fieldRef", "fieldPath"));
    }

    private static void fromField(List<String> problems, YamlDoc d, Map<String, Object> c, String var, String field) {
        if (!field.equals(str(Pods.env(c, var).orElse(Map.of()), "valueFrom", "fieldRef", "fieldPath"))) {
            problems.add(d.where() + ": " + var + " should come from the pod's " + field + " (downward API)");
        }
    }

    /** The service's settings whose default is an address on this machine. */
    static List<String> localSettings(ServiceModule s) {
        return s.properties().stringPropertyNames().stream().filter(k -> !k.startsWith("%")).sorted()
                .filter(k -> s.property(k).contains("127.0.0.1") || s.property(k).contains("localhost")).toList();
    }
}
