package dev.pledge.kafka;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on Pledge's broker (docs/security.md, "Kafka"): the topics, the principals and the ACLs that
 * give each principal only what its role needs. The broker is set to exactly this plan on every start; the
 * Kubernetes manifests' KafkaUsers grant the same.
 */
public final class SagaAcls {
    public static final String ADMIN = "admin";
    public static final String ORCHESTRATOR = "saga-orchestrator";
    public static final String INVENTORY = "inventory";
    public static final String PAYMENT = "payment";
    /** The operator's tools: chaos redelivery and poison messages, the bench's saga floor, the system tests. */
    public static final String OPERATOR = "operator";
    /** Every principal that logs in with SCRAM (the admin logs in with PLAIN: docs/security.md). */
    public static final List<String> USERS = List.of(ORCHESTRATOR, INVENTORY, PAYMENT, OPERATOR);

    public static final String REPLIES = "saga.replies";
    public static final String EVENTS = "saga.order.events";
    public static final String INVENTORY_COMMANDS = commands(INVENTORY);
    public static final String PAYMENT_COMMANDS = commands(PAYMENT);
    /** Commands per participant, replies, and the events of choreographed sagas. */
    public static final List<String> SAGA_TOPICS = List.of(INVENTORY_COMMANDS, PAYMENT_COMMANDS, REPLIES, EVENTS);
    /** Where each consumer puts what it cannot read. */
    public static final List<String> DEAD_LETTER_TOPICS = List.of(INVENTORY_COMMANDS + ".dlq",
            PAYMENT_COMMANDS + ".dlq", REPLIES + ".dlq", EVENTS + ".inventory.dlq", EVENTS + ".payment.dlq",
            EVENTS + ".observer.dlq");
    /** The operator's tools name their consumer groups with this prefix. */
    public static final String TOOL_GROUPS = "pledge-tools-";
    /** The bench's saga floor makes and uses its own topics under this prefix. */
    public static final String BENCH_TOPICS = "bench.floor.";

    private SagaAcls() {
    }

    static String commands(String participant) {
        return "saga." + participant + ".commands";
    }

    /** Every topic the broker creates at start-up. */
    public static List<String> topics() {
        List<String> all = new ArrayList<>(SAGA_TOPICS);
        all.addAll(DEAD_LETTER_TOPICS);
        return all;
    }

    /** The whole plan. */
    public static List<AclBinding> plan() {
        List<AclBinding> acl = new ArrayList<>();
        // the orchestrator sends commands (and starts choreographed sagas with an event), reads replies and events
        for (String t : List.of(INVENTORY_COMMANDS, PAYMENT_COMMANDS, EVENTS, REPLIES + ".dlq",
                EVENTS + ".observer.dlq")) {
            acl.add(topic(ORCHESTRATOR, t, AclOperation.WRITE));
        }
        acl.add(topic(ORCHESTRATOR, REPLIES, AclOperation.READ));
        acl.add(topic(ORCHESTRATOR, EVENTS, AclOperation.READ));
        acl.add(group(ORCHESTRATOR, "saga-orchestrator"));
        acl.add(group(ORCHESTRATOR, "saga-orchestrator-observer"));
        // a participant reads its own commands and the events, and writes replies and events
        for (String p : List.of(INVENTORY, PAYMENT)) {
            acl.add(topic(p, commands(p), AclOperation.READ));
            acl.add(topic(p, EVENTS, AclOperation.READ));
            for (String t : List.of(REPLIES, EVENTS, commands(p) + ".dlq", EVENTS + "." + p + ".dlq")) {
                acl.add(topic(p, t, AclOperation.WRITE));
            }
            acl.add(group(p, "participant-" + p));
            acl.add(group(p, "participant-" + p + "-choreography"));
        }
        // the operator's tools read every saga topic (dead letters included) and publish again on the four saga
        // topics (redelivery, poison records); the bench's saga floor makes and uses topics of its own
        acl.add(binding(OPERATOR, ResourceType.TOPIC, "saga.", PatternType.PREFIXED, AclOperation.READ));
        for (String t : SAGA_TOPICS) {
            acl.add(topic(OPERATOR, t, AclOperation.WRITE));
        }
        for (AclOperation op : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE,
                AclOperation.DESCRIBE)) {
            acl.add(binding(OPERATOR, ResourceType.TOPIC, BENCH_TOPICS, PatternType.PREFIXED, op));
        }
        acl.add(binding(OPERATOR, ResourceType.GROUP, TOOL_GROUPS, PatternType.PREFIXED, AclOperation.READ));
        return List.copyOf(acl);
    }

    private static AclBinding topic(String user, String topic, AclOperation op) {
        return binding(user, ResourceType.TOPIC, topic, PatternType.LITERAL, op);
    }

    private static AclBinding group(String user, String group) {
        return binding(user, ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ);
    }

    private static AclBinding binding(String user, ResourceType type, String name, PatternType pattern,
                                      AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }
}
