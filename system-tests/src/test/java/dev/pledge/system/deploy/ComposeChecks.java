package dev.pledge.system.deploy;

import static dev.pledge.system.deploy.YamlDoc.map;
import static dev.pledge.system.deploy.YamlDoc.str;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** deploy/compose/compose.yaml against the services and the Kubernetes base: same services, images, ports, health. */
public record ComposeChecks(Manifests m, String where, Map<String, Object> services) {
    private static final Pattern ADDRESS = Pattern.compile("^(?:jdbc:postgresql|https?)://([a-z0-9-]+):(\\d+)(?:/([a-z0-9_]*))?.*$");

    public static ComposeChecks of(Manifests m) {
        List<YamlDoc> docs = YamlDoc.load(m.home(), m.compose());
        return new ComposeChecks(m, m.where(m.compose()), docs.isEmpty() ? Map.of() : map(docs.get(0).body(), "services"));
    }

    public List<String> runsEachServiceAsOftenAsKubernetesOnItsPort() {
        List<String> problems = new ArrayList<>();
        for (ServiceModule s : m.services()) {
            List<String> running = services.keySet().stream().filter(n -> s.image().equals(Pods.imageName(image(n)))).toList();
            String replicas = Pods.deployment(m.base(), s.name()).map(d -> str(d.body(), "spec", "replicas")).orElse("1");
            if (running.size() != Integer.parseInt(replicas == null ? "1" : replicas)) {
                problems.add(where + ": " + running.size() + " services run " + s.image() + " " + running
                        + ", Kubernetes runs " + replicas);
            }
            for (String name : running) {
                if (!containerPorts(name).contains(String.valueOf(s.httpPort()))) {
                    problems.add(where + ": " + name + " publishes container ports " + containerPorts(name)
                            + ", not quarkus.http.port " + s.httpPort());
                }
                String test = String.valueOf(map(services.get(name), "healthcheck").get("test"));
                if (!test.contains(":" + s.httpPort() + "/q/health/ready")) {
                    problems.add(where + ": " + name + "'s healthcheck " + test + " does not ask port " + s.httpPort()
                            + " for /q/health/ready");
                }
                Set<String> env = env(name).keySet();
                ServiceChecks.localSettings(s).stream().map(ServiceModule::envName).filter(v -> !env.contains(v))
                        .forEach(v -> problems.add(where + ": " + name + " does not set " + v + ", whose default is local"));
            }
        }
        services.keySet().stream().filter(n -> String.valueOf(image(n)).startsWith("pledge/"))
                .filter(n -> m.services().stream().noneMatch(s -> s.image().equals(Pods.imageName(image(n)))))
                .forEach(n -> problems.add(where + ": " + n + " runs " + image(n) + ", which no service module builds"));
        return problems;
    }

    /** What a pod of the Deployment takes from the downward API, the replicas of a service set each its own way. */
    public List<String> replicasDifferWhereKubernetesPodsDo() {
        List<String> problems = new ArrayList<>();
        for (ServiceModule s : m.services()) {
            List<String> replicas = services.keySet().stream().filter(n -> s.image().equals(Pods.imageName(image(n)))).toList();
            Set<String> identity = new TreeSet<>();
            Pods.deployment(m.base(), s.name()).ifPresent(d -> Pods.containers(d).forEach(c -> YamlDoc.maps(c, "env").stream()
                    .filter(e -> str(e, "valueFrom", "fieldRef") != null || String.valueOf(e.get("value")).contains("$("))
                    .map(e -> str(e, "name")).filter(v -> v.startsWith("PLEDGE_")).forEach(identity::add)));
            for (String var : identity) {
                Set<String> values = new java.util.HashSet<>();
                replicas.forEach(n -> values.add(env(n).get(var)));
                if (replicas.size() > 1 && (values.contains(null) || values.size() != replicas.size())) {
                    problems.add(where + ": " + replicas + " should each set " + var + " to a value of their own, as each "
                            + s.name() + " pod does (" + values + ")");
                }
            }
        }
        return problems;
    }

    public List<String> everyServiceHasAHealthcheckAndWaitsForHealthyDependencies() {
        List<String> problems = new ArrayList<>();
        for (String name : services.keySet()) {
            if (!(map(services.get(name), "healthcheck").get("test") instanceof List<?> test) || test.isEmpty()) {
                problems.add(where + ": " + name + " has no healthcheck test");
            }
            Object dependsOn = YamlDoc.get(services.get(name), "depends_on");
            if (dependsOn instanceof List<?>) {
                problems.add(where + ": " + name + ": depends_on as a list waits for no health; use condition: service_healthy");
            }
            map(services.get(name), "depends_on").forEach((dependency, how) -> {
                if (!services.containsKey(dependency)) {
                    problems.add(where + ": " + name + " depends on " + dependency + ", which is no service");
                } else if (!"service_healthy".equals(str(how, "condition"))) {
                    problems.add(where + ": " + name + " depends on " + dependency + " without condition: service_healthy");
                }
            });
        }
        return problems;
    }

    /** Each address in an environment names a service (or its alias) by its port, and databases are the right ones. */
    public List<String> addressesNameServicesAndTheirDatabases(int stackPreparedTransactions) {
        List<String> problems = new ArrayList<>();
        for (String name : services.keySet()) {
            Optional<ServiceModule> module = moduleOf(name);
            env(name).forEach((var, value) -> {
                if (var.equals("KAFKA_BOOTSTRAP_SERVERS") && named(value.replaceFirst(":.*$", "")).isEmpty()) {
                    problems.add(where + ": " + name + ": KAFKA_BOOTSTRAP_SERVERS=" + value + " names no service");
                }
                Matcher address = ADDRESS.matcher(value);
                if (!address.matches() || value.contains("$(")) {
                    return;
                }
                List<String> targets = named(address.group(1));
                if (targets.isEmpty()) {
                    problems.add(where + ": " + name + ": " + var + "=" + value + " names no service or alias");
                }
                for (String target : targets) {
                    Optional<ServiceModule> serves = moduleOf(target);
                    if (serves.isPresent() && serves.get().httpPort() != Integer.parseInt(address.group(2))) {
                        problems.add(where + ": " + name + ": " + var + "=" + value + ", but " + target + " listens on "
                                + serves.get().httpPort());
                    }
                    if (value.startsWith("jdbc:") && module.isPresent()) {
                        database(problems, name, module.get(), target, address.group(3), stackPreparedTransactions);
                    }
                }
            });
        }
        return problems;
    }

    private void database(List<String> problems, String name, ServiceModule s, String target, String db, int prepared) {
        Map<String, String> pg = env(target);
        if (!s.database().orElse("").equals(db) || !db.equals(pg.get("POSTGRES_DB"))
                || !s.property("quarkus.datasource.username").equals(pg.get("POSTGRES_USER"))) {
            problems.add(where + ": " + name + " uses database " + db + " of " + target + " (POSTGRES_DB "
                    + pg.get("POSTGRES_DB") + ", POSTGRES_USER " + pg.get("POSTGRES_USER") + "), but " + s.name()
                    + " expects " + s.database().orElse(null) + " owned by " + s.property("quarkus.datasource.username"));
        }
        Matcher setting = Pattern.compile("max_prepared_transactions=(\\d+)")
                .matcher(String.valueOf(YamlDoc.get(services.get(target), "command")));
        if (s.isParticipant() && (!setting.find() || Integer.parseInt(setting.group(1)) < prepared)) {
            problems.add(where + ": " + target + " needs max_prepared_transactions of at least " + prepared
                    + " in its command for participant " + name);
        }
    }

    private Optional<ServiceModule> moduleOf(String service) {
        return m.services().stream().filter(s -> s.image().equals(Pods.imageName(image(service)))).findFirst();
    }

    /** The services a host name reaches: the service itself, or every service with that network alias. */
    private List<String> named(String host) {
        if (services.containsKey(host)) {
            return List.of(host);
        }
        return services.keySet().stream().filter(n -> map(services.get(n), "networks").values().stream()
                .anyMatch(net -> YamlDoc.strings(net, "aliases").contains(host))).toList();
    }

    public String image(String service) {
        return str(services.get(service), "image");
    }

    private Set<String> containerPorts(String service) {
        Set<String> ports = new TreeSet<>();
        Object list = YamlDoc.get(services.get(service), "ports");
        if (list instanceof List<?> entries) {
            for (Object entry : entries) {
                String port = entry instanceof Map<?, ?> ? str(entry, "target") : String.valueOf(entry);
                port = port.replaceFirst("/.*$", "");
                ports.add(port.substring(port.lastIndexOf(':') + 1));
            }
        }
        return ports;
    }

    /** A service's environment, given as a mapping or as a list of NAME=value. */
    public Map<String, String> env(String service) {
        Map<String, String> env = new TreeMap<>();
        Object given = YamlDoc.get(services.get(service), "environment");
        if (given instanceof Map<?, ?> vars) {
            vars.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        } else if (given instanceof List<?> vars) {
            vars.forEach(v -> env.put(String.valueOf(v).split("=", 2)[0], String.valueOf(v).contains("=")
                    ? String.valueOf(v).split("=", 2)[1] : ""));
        }
        return env;
    }
}
