package dev.pledge.system.deploy;

import static dev.pledge.system.deploy.YamlDoc.maps;
import static dev.pledge.system.deploy.YamlDoc.str;
import static dev.pledge.system.deploy.YamlDoc.strings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.pledge.kafka.SagaAcls;

/** Kafka as Strimzi runs it: KRaft with node pools, every topic the services use, and their bootstrap address. */
public record KafkaChecks(Manifests m) {
    private static final String STRIMZI = "kafka.strimzi.io";
    private static final String CLUSTER_LABEL = "strimzi.io/cluster";

    public List<String> kafkaRunsInKraftModeWithNodePools() {
        List<String> problems = new ArrayList<>();
        List<YamlDoc> clusters = strimzi("Kafka");
        if (clusters.isEmpty()) {
            problems.add("deploy/kubernetes/base: no Strimzi Kafka resource");
        }
        for (YamlDoc kafka : clusters) {
            if (!(STRIMZI + "/v1beta2").equals(str(kafka.body(), "apiVersion"))) {
                problems.add(kafka.where() + ": apiVersion should be " + STRIMZI + "/v1beta2");
            }
            for (String annotation : List.of("strimzi.io/kraft", "strimzi.io/node-pools")) {
                if (!"enabled".equals(str(kafka.body(), "metadata", "annotations", annotation))) {
                    problems.add(kafka.where() + ": needs the annotation " + annotation + ": enabled");
                }
            }
            Set<String> roles = new TreeSet<>();
            strimzi("KafkaNodePool").stream().filter(pool -> kafka.name().equals(label(pool)))
                    .forEach(pool -> roles.addAll(strings(pool.body(), "spec", "roles")));
            if (!roles.containsAll(List.of("controller", "broker"))) {
                problems.add(kafka.where() + ": its KafkaNodePools (label " + CLUSTER_LABEL + ") give the roles " + roles
                        + "; KRaft needs controller and broker");
            }
        }
        strimzi("KafkaNodePool").stream().filter(pool -> m.named("Kafka", String.valueOf(label(pool))).isEmpty())
                .forEach(pool -> problems.add(pool.where() + ": " + CLUSTER_LABEL + " names no Kafka"));
        return problems;
    }

    public List<String> everyTopicTheServicesUseIsDeclaredAndNoOther() {
        List<String> problems = new ArrayList<>();
        TreeMap<String, String> used = new TreeMap<>();
        for (ServiceModule s : m.services()) {
            s.topicsRead().forEach(t -> used.putIfAbsent(t, s.name()));
            for (String key : s.properties().stringPropertyNames()) {
                if (key.startsWith("pledge.") && key.endsWith("-topic")) {
                    used.putIfAbsent(s.property(key).trim(), s.name());
                }
            }
        }
        TreeMap<String, YamlDoc> declared = new TreeMap<>();
        for (YamlDoc topic : strimzi("KafkaTopic")) {
            String name = str(topic.body(), "spec", "topicName") != null ? str(topic.body(), "spec", "topicName") : topic.name();
            declared.put(name, topic);
            if (m.named("Kafka", String.valueOf(label(topic))).isEmpty()) {
                problems.add(topic.where() + ": " + CLUSTER_LABEL + " names no Kafka");
            }
        }
        used.forEach((topic, service) -> {
            if (!declared.containsKey(topic)) {
                problems.add("deploy/kubernetes/base: no KafkaTopic " + topic + ", which " + service + " uses");
            }
        });
        declared.forEach((topic, doc) -> {
            if (!used.containsKey(topic)) {
                problems.add(doc.where() + ": no service uses the topic " + topic);
            }
        });
        return problems;
    }

    public List<String> servicesThatUseKafkaGetItsBootstrapService() {
        List<String> problems = new ArrayList<>();
        Set<String> bootstraps = new TreeSet<>();
        for (YamlDoc kafka : strimzi("Kafka")) {
            maps(kafka.body(), "spec", "kafka", "listeners").stream().filter(l -> !"true".equals(str(l, "tls")))
                    .forEach(l -> bootstraps.add(kafka.name() + "-kafka-bootstrap:" + str(l, "port")));
        }
        for (ServiceModule s : m.services()) {
            if (!s.usesKafka()) {
                continue;
            }
            Pods.deployment(m.base(), s.name()).ifPresent(d -> Pods.containers(d).forEach(c -> {
                String bootstrap = m.plainEnv(c).get("KAFKA_BOOTSTRAP_SERVERS");
                if (!bootstraps.contains(bootstrap)) {
                    problems.add(d.where() + ": KAFKA_BOOTSTRAP_SERVERS=" + bootstrap + ", not one of " + bootstraps);
                }
            }));
        }
        return problems;
    }

    /**
     * Every listener requires SCRAM-SHA-512, the cluster authorizes by ACL, and each service that uses Kafka logs in
     * as its own KafkaUser with the password from the Secret Strimzi's User Operator writes for it.
     */
    public List<String> everyClientLogsInAsItsOwnUser() {
        List<String> problems = new ArrayList<>();
        for (YamlDoc kafka : strimzi("Kafka")) {
            for (Map<String, Object> l : maps(kafka.body(), "spec", "kafka", "listeners")) {
                if (!"scram-sha-512".equals(str(l, "authentication", "type"))) {
                    problems.add(kafka.where() + ": the listener " + str(l, "name") + " takes clients without a login"
                            + " (authentication.type should be scram-sha-512)");
                }
            }
            if (!"simple".equals(str(kafka.body(), "spec", "kafka", "authorization", "type"))) {
                problems.add(kafka.where() + ": spec.kafka.authorization.type should be simple (ACLs)");
            }
            if (YamlDoc.get(kafka.body(), "spec", "entityOperator", "userOperator") == null) {
                problems.add(kafka.where() + ": no entityOperator.userOperator to make the KafkaUsers' Secrets");
            }
        }
        for (ServiceModule s : m.services()) {
            if (!s.usesKafka()) {
                continue;
            }
            String user = s.property("pledge.kafka.username");
            if (user == null) {
                problems.add(s.name() + ": application.properties sets no pledge.kafka.username");
                continue;
            }
            if (m.named("KafkaUser", user).filter(u -> "scram-sha-512".equals(str(u.body(), "spec",
                    "authentication", "type"))).isEmpty()) {
                problems.add("deploy/kubernetes/base: no KafkaUser " + user + " with SCRAM-SHA-512 for " + s.name());
            }
            Pods.deployment(m.base(), s.name()).ifPresent(d -> Pods.containers(d).forEach(c -> {
                String named = m.plainEnv(c).getOrDefault("PLEDGE_KAFKA_USERNAME", user);
                if (!user.equals(named)) {
                    problems.add(d.where() + ": PLEDGE_KAFKA_USERNAME=" + named + ", not its KafkaUser " + user);
                }
                Map<String, Object> password = Pods.env(c, "PLEDGE_KAFKA_PASSWORD").orElse(Map.of());
                if (!user.equals(str(password, "valueFrom", "secretKeyRef", "name"))
                        || !"password".equals(str(password, "valueFrom", "secretKeyRef", "key"))) {
                    problems.add(d.where() + ": PLEDGE_KAFKA_PASSWORD should come from the Secret " + user
                            + ", key password (the User Operator writes it)");
                }
            }));
        }
        return problems;
    }

    /** Each KafkaUser's ACLs are exactly the local broker's plan for that principal (kafka-broker SagaAcls). */
    public List<String> kafkaUsersHaveTheLocalBrokersAcls() {
        List<String> problems = new ArrayList<>();
        Set<String> users = new TreeSet<>();
        for (YamlDoc user : strimzi("KafkaUser")) {
            users.add(user.name());
            Set<String> declared = new TreeSet<>();
            for (Map<String, Object> acl : maps(user.body(), "spec", "authorization", "acls")) {
                for (String op : strings(acl, "operations")) {
                    declared.add(str(acl, "resource", "type") + " " + str(acl, "resource", "name") + " "
                            + str(acl, "resource", "patternType") + " " + op.toLowerCase(Locale.ROOT));
                }
            }
            Set<String> planned = new TreeSet<>();
            SagaAcls.plan().stream().filter(b -> b.entry().principal().equals("User:" + user.name()))
                    .forEach(b -> planned.add(describe(b)));
            compare(problems, user.where() + ": ACLs", declared, planned);
        }
        for (String service : List.of(SagaAcls.ORCHESTRATOR, SagaAcls.INVENTORY, SagaAcls.PAYMENT)) {
            if (!users.contains(service)) {
                problems.add("deploy/kubernetes/base: no KafkaUser " + service);
            }
        }
        return problems;
    }

    /**
     * The Compose broker's set-up script (deploy/compose/kafka.sh) makes the local broker's topics, a SCRAM user for
     * each service and exactly its ACLs; each Compose service that uses Kafka is given its user's password.
     */
    public List<String> composeBrokerHasTheLocalBrokersUsersTopicsAndAcls(ComposeChecks compose) {
        List<String> problems = new ArrayList<>();
        Path script = m.compose().resolveSibling("kafka.sh");
        String where = m.where(script);
        List<String> lines;
        try {
            lines = Files.readAllLines(script).stream().map(String::strip).toList();
        } catch (IOException e) {
            return List.of(where + ": cannot read it: " + e.getMessage());
        }
        Set<String> topics = new TreeSet<>();
        Set<String> users = new TreeSet<>();
        Set<String> acls = new TreeSet<>();
        for (String line : lines) {
            String[] w = line.split("\\s+");
            switch (w[0]) {
                case "topic" -> topics.add(w[1]);
                case "scram" -> users.add(w[1]);
                case "acl" -> acls.add(w[1] + " " + w[3] + " " + w[4] + " literal " + w[2].toLowerCase(Locale.ROOT));
                default -> { }
            }
        }
        Set<String> services = new TreeSet<>(List.of(SagaAcls.ORCHESTRATOR, SagaAcls.INVENTORY, SagaAcls.PAYMENT));
        Set<String> planned = new TreeSet<>();
        SagaAcls.plan().stream().filter(b -> services.contains(b.entry().principal().substring("User:".length())))
                .forEach(b -> planned.add(b.entry().principal().substring("User:".length()) + " " + describe(b)));
        compare(problems, where + ": topics", topics, new TreeSet<>(SagaAcls.topics()));
        compare(problems, where + ": SCRAM users", users, services);
        compare(problems, where + ": ACLs", acls, planned);
        for (String service : compose.services().keySet()) {
            Map<String, String> env = compose.env(service);
            if (!env.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
                continue;
            }
            String user = m.services().stream().filter(s -> s.image().equals(Pods.imageName(compose.image(service))))
                    .map(s -> s.property("pledge.kafka.username")).findFirst().orElse("?");
            String variable = "PLEDGE_KAFKA_" + (user.equals(SagaAcls.ORCHESTRATOR) ? "ORCHESTRATOR"
                    : user.toUpperCase(Locale.ROOT)) + "_PASSWORD";
            String given = env.getOrDefault("PLEDGE_KAFKA_PASSWORD", "");
            if (!given.startsWith("${" + variable + ":?")) {
                problems.add(compose.where() + ": " + service + " logs in to Kafka as " + user
                        + ", so its PLEDGE_KAFKA_PASSWORD should be ${" + variable + ":?...}, not " + given);
            }
        }
        return problems;
    }

    private static void compare(List<String> problems, String what, Set<String> declared, Set<String> planned) {
        if (!declared.equals(planned)) {
            Set<String> extra = new TreeSet<>(declared);
            extra.removeAll(planned);
            Set<String> missing = new TreeSet<>(planned);
            missing.removeAll(declared);
            problems.add(what + " differ from the local broker's; extra " + extra + ", missing " + missing);
        }
    }

    private static String describe(org.apache.kafka.common.acl.AclBinding b) {
        return b.pattern().resourceType().name().toLowerCase(Locale.ROOT) + " " + b.pattern().name() + " "
                + b.pattern().patternType().name().toLowerCase(Locale.ROOT) + " "
                + b.entry().operation().name().toLowerCase(Locale.ROOT);
    }

    private List<YamlDoc> strimzi(String kind) {
        return m.of(kind).stream().filter(d -> d.group().equals(STRIMZI)).toList();
    }

    private static String label(YamlDoc doc) {
        return str(doc.body(), "metadata", "labels", CLUSTER_LABEL);
    }
}
