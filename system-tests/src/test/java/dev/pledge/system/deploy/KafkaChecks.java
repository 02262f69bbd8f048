package dev.pledge.system.deploy;

import static dev.pledge.system.deploy.YamlDoc.maps;
import static dev.pledge.system.deploy.YamlDoc.str;
import static dev.pledge.system.deploy.YamlDoc.strings;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

    private List<YamlDoc> strimzi(String kind) {
        return m.of(kind).stream().filter(d -> d.group().equals(STRIMZI)).toList();
    }

    private static String label(YamlDoc doc) {
        return str(doc.body(), "metadata", "labels", CLUSTER_LABEL);
    }
}
