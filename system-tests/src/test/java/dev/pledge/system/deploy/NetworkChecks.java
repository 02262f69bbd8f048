package dev.pledge.system.deploy;

import static dev.pledge.system.deploy.YamlDoc.map;
import static dev.pledge.system.deploy.YamlDoc.maps;
import static dev.pledge.system.deploy.YamlDoc.str;
import static dev.pledge.system.deploy.YamlDoc.strings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NetworkPolicies, read against the rest of the manifests: every pod refuses what no policy allows, no
 * policy opens a pod to every source, and every connection the services make (the URLs in their
 * configuration, the participants' peer calls in the 3PC termination protocol, each service to its own
 * database, the saga services to Kafka) is one a policy allows.
 */
public record NetworkChecks(Manifests m) {
    private static final Pattern URL = Pattern.compile("^https?://([a-z0-9-]+):(\\d+)(/.*)?$");
    private static final String POSTGRES_PORT = "5432";

    /** A default-deny policy selects every pod, and every allowing rule names its sources. */
    public List<String> everyPodRefusesWhatNoPolicyAllows() {
        List<String> problems = new ArrayList<>();
        List<YamlDoc> policies = m.of("NetworkPolicy");
        boolean defaultDeny = policies.stream().anyMatch(p -> map(p.body(), "spec", "podSelector").isEmpty()
                && strings(p.body(), "spec", "policyTypes").contains("Ingress") && maps(p.body(), "spec", "ingress").isEmpty());
        if (!defaultDeny) {
            problems.add("no NetworkPolicy selects every pod ({} podSelector) with policyTypes [Ingress] and no rule:"
                    + " a pod no policy names would take connections from anywhere");
        }
        for (YamlDoc p : policies) {
            for (Map<String, Object> rule : maps(p.body(), "spec", "ingress")) {
                List<Map<String, Object>> from = maps(rule, "from");
                if (from.isEmpty()) {
                    problems.add(p.where() + ": an ingress rule without 'from' takes connections from everywhere");
                }
                for (Map<String, Object> peer : from) {
                    boolean anyPod = peer.containsKey("podSelector") && matchLabels(peer, "podSelector").isEmpty();
                    boolean anyNamespace = peer.containsKey("namespaceSelector") && matchLabels(peer, "namespaceSelector").isEmpty();
                    if (anyPod && !peer.containsKey("namespaceSelector") || anyNamespace || peer.containsKey("ipBlock")) {
                        problems.add(p.where() + ": a source " + peer + " stands for every pod, namespace or address");
                    }
                }
                if (maps(rule, "ports").isEmpty() || maps(rule, "ports").stream().anyMatch(rp -> str(rp, "port") == null)) {
                    problems.add(p.where() + ": an ingress rule without 'ports', or with a port entry that names no"
                            + " port, opens every port");
                }
            }
        }
        return problems;
    }

    /** Every call the services are configured to make passes the policies. */
    public List<String> everyCallTheServicesMakeIsAllowed() {
        List<String> problems = new ArrayList<>();
        for (YamlDoc caller : m.of("Deployment")) {
            Map<String, Object> from = Pods.templateLabels(caller);
            for (Map<String, Object> c : Pods.containers(caller)) {
                m.plainEnv(c).forEach((key, value) -> {
                    Matcher url = URL.matcher(value);
                    if (!url.matches()) {
                        return;
                    }
                    Optional<YamlDoc> service = m.named("Service", url.group(1));
                    if (service.isEmpty()) {
                        return; // ServiceChecks reports a URL that names no Service
                    }
                    Map<String, Object> port = maps(service.get().body(), "spec", "ports").stream()
                            .filter(p -> url.group(2).equals(str(p, "port"))).findFirst().orElse(Map.of());
                    Object targetPort = port.getOrDefault("targetPort", port.get("port"));
                    for (YamlDoc target : m.selectedBy(map(service.get().body(), "spec", "selector"))) {
                        if (!allows(Pods.templateLabels(target), from, targetPort, target)) {
                            problems.add(caller.where() + ": " + key + "=" + value + " reaches " + target.name()
                                    + ", but no NetworkPolicy lets " + caller.name() + " in on port " + targetPort);
                        }
                    }
                });
            }
        }
        List<YamlDoc> participants = participants();
        for (YamlDoc a : participants) {
            for (YamlDoc b : participants) {
                if (a != b && !allows(Pods.templateLabels(b), Pods.templateLabels(a), "http", b)) {
                    problems.add(b.where() + ": its peer " + a.name() + " cannot reach it for the 3PC termination protocol");
                }
            }
        }
        for (YamlDoc d : m.of("Deployment")) {
            for (Map<String, Object> c : Pods.containers(d)) {
                String secret = str(Pods.env(c, "QUARKUS_DATASOURCE_JDBC_URL").orElse(Map.of()), "valueFrom", "secretKeyRef", "name");
                if (secret != null && secret.endsWith("-app")) {
                    String cluster = secret.substring(0, secret.length() - "-app".length());
                    if (!allows(Map.of("cnpg.io/cluster", cluster), Pods.templateLabels(d), POSTGRES_PORT, null)) {
                        problems.add(d.where() + ": no NetworkPolicy lets " + d.name() + " reach its database " + cluster
                                + " on port " + POSTGRES_PORT);
                    }
                }
            }
        }
        problems.addAll(onlyTheSagaServicesReachKafka());
        return problems;
    }

    /** Strimzi makes the listener's policy from networkPolicyPeers: it must name the services that use Kafka. */
    private List<String> onlyTheSagaServicesReachKafka() {
        List<String> problems = new ArrayList<>();
        for (YamlDoc kafka : m.of("Kafka")) {
            for (Map<String, Object> listener : maps(kafka.body(), "spec", "kafka", "listeners")) {
                List<Map<String, Object>> peers = maps(listener, "networkPolicyPeers");
                if (peers.isEmpty()) {
                    problems.add(kafka.where() + ": listener " + str(listener, "name") + " has no networkPolicyPeers,"
                            + " so Strimzi lets every pod connect");
                    continue;
                }
                for (Map<String, Object> peer : peers) {
                    if (!peer.containsKey("podSelector") || matchLabels(peer, "podSelector").isEmpty()
                            || peer.containsKey("namespaceSelector") || peer.containsKey("ipBlock")) {
                        problems.add(kafka.where() + ": listener " + str(listener, "name") + " lets in " + peer
                                + ": name the services' pods of this namespace");
                    }
                }
                for (ServiceModule s : m.services()) {
                    Optional<YamlDoc> d = Pods.deployment(m.base(), s.name());
                    if (s.usesKafka() && d.isPresent() && peers.stream().noneMatch(p -> peerSelects(p, Pods.templateLabels(d.get())))) {
                        problems.add(kafka.where() + ": listener " + str(listener, "name") + " does not let " + s.name() + " in");
                    }
                }
            }
        }
        return problems;
    }

    private List<YamlDoc> participants() {
        List<YamlDoc> out = new ArrayList<>();
        for (ServiceModule s : m.services()) {
            if (s.isParticipant()) {
                Pods.deployment(m.base(), s.name()).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Whether some policy that selects pods with {@code targetLabels} has a rule letting pods with
     * {@code sourceLabels} (of the same namespace) in on {@code port} (a number, or a name of the target's ports).
     */
    private boolean allows(Map<String, Object> targetLabels, Map<String, Object> sourceLabels, Object port, YamlDoc target) {
        for (YamlDoc p : m.of("NetworkPolicy")) {
            Map<String, Object> selector = matchLabels(p.body(), "spec", "podSelector");
            List<String> types = strings(p.body(), "spec", "policyTypes");
            // a policy that names its types applies its ingress rules only if Ingress is one of them
            if (selector.isEmpty() || !Pods.selects(selector, targetLabels) || !types.isEmpty() && !types.contains("Ingress")) {
                continue;
            }
            for (Map<String, Object> rule : maps(p.body(), "spec", "ingress")) {
                boolean source = maps(rule, "from").stream().anyMatch(peer -> peerSelects(peer, sourceLabels));
                boolean onPort = maps(rule, "ports").stream().anyMatch(rp -> samePort(str(rp, "port"), String.valueOf(port), target));
                if (source && onPort) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A peer of the same namespace: a podSelector alone. */
    private static boolean peerSelects(Map<String, Object> peer, Map<String, Object> labels) {
        return !peer.containsKey("namespaceSelector") && Pods.selects(matchLabels(peer, "podSelector"), labels);
    }

    /** Ports by number or by the name of one of the target's container ports. */
    private static boolean samePort(String rule, String wanted, YamlDoc target) {
        if (rule == null) {
            return false;
        }
        return numbered(rule, target).equals(numbered(wanted, target));
    }

    private static String numbered(String port, YamlDoc target) {
        if (port.matches("\\d+") || target == null) {
            return port;
        }
        Map<String, String> byName = new LinkedHashMap<>();
        Pods.containers(target).forEach(c -> maps(c, "ports").forEach(p -> byName.put(str(p, "name"), str(p, "containerPort"))));
        return byName.getOrDefault(port, port);
    }

    private static Map<String, Object> matchLabels(Object node, String... path) {
        String[] full = java.util.Arrays.copyOf(path, path.length + 1);
        full[path.length] = "matchLabels";
        return map(node, full);
    }
}
