package dev.pledge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import dev.pledge.stack.KafkaBroker;
import dev.pledge.stack.KafkaLogin;

/** What each principal's role needs, and nothing more (docs/security.md, "Kafka"). */
class SagaAclsTest {
    /** user, operation, resource, allowed, and why. */
    private static final String TABLE = """
            saga-orchestrator WRITE topic saga.inventory.commands    yes  it sends inventory's commands
            saga-orchestrator WRITE topic saga.payment.commands      yes  it sends payment's commands
            saga-orchestrator WRITE topic saga.order.events          yes  it starts a choreographed saga with an event
            saga-orchestrator READ  topic saga.replies               yes  it takes in the participants' replies
            saga-orchestrator READ  topic saga.order.events          yes  it observes choreographed sagas
            saga-orchestrator WRITE topic saga.replies               no   replies come from participants only
            saga-orchestrator READ  topic saga.inventory.commands    no   it has no use for its own commands
            saga-orchestrator READ  group saga-orchestrator          yes  its replicas share the replies
            saga-orchestrator READ  group participant-inventory      no   not its group
            inventory         READ  topic saga.inventory.commands    yes  its own commands
            inventory         READ  topic saga.payment.commands      no   another participant's commands
            inventory         WRITE topic saga.inventory.commands    no   only the orchestrator sends commands
            inventory         WRITE topic saga.payment.commands      no   only the orchestrator sends commands
            inventory         WRITE topic saga.replies               yes  it answers commands
            inventory         READ  topic saga.replies               no   other participants' replies are not its business
            inventory         READ  topic saga.order.events          yes  it reacts to choreographed events
            inventory         WRITE topic saga.order.events          yes  it publishes its own choreographed events
            inventory         WRITE topic saga.inventory.commands.dlq yes a command it cannot read goes there
            inventory         WRITE topic saga.payment.commands.dlq  no   payment's dead letters
            inventory         READ  group participant-inventory      yes  its replicas share its commands
            inventory         READ  group participant-payment        no   not its group
            payment           READ  topic saga.payment.commands      yes  its own commands
            payment           READ  topic saga.inventory.commands    no   another participant's commands
            payment           WRITE topic saga.replies               yes  it answers commands
            payment           READ  group participant-payment-choreography yes its choreography consumer
            operator          READ  topic saga.replies               yes  chaos redelivery reads every saga topic
            operator          WRITE topic saga.inventory.commands    yes  chaos redelivery publishes again
            operator          CREATE topic bench.floor.replies       yes  the bench's saga floor makes its own topics
            operator          CREATE topic saga.extra                no   topics are the broker's to make
            operator          WRITE topic saga.replies.dlq           no   no tool writes dead letters
            operator          DELETE topic bench.floor.replies       no   the floor's topics are kept
            operator          ALTER_CONFIGS topic bench.floor.replies no  nor reconfigured
            operator          READ  group pledge-tools-redelivery-1  yes  the tools' own groups
            operator          READ  group saga-orchestrator          no   a tool never joins a service's group
            operator          ALTER cluster kafka-cluster            no   nobody but the admin changes ACLs
            """;

    @Test
    void eachPrincipalMayDoWhatItsRoleNeedsAndNothingMore() {
        for (String line : TABLE.strip().split("\n")) {
            String[] f = line.strip().split("\\s+", 6);
            boolean expected = f[4].equals("yes");
            assertThat(allows(SagaAcls.plan(), f[0], AclOperation.fromString(f[1]), type(f[2]), f[3]))
                    .as("%s %s %s %s: %s", f[0], f[1], f[2], f[3], f[5]).isEqualTo(expected);
        }
    }

    @Test
    void theRuleCatchesAPlanThatLetsAParticipantReadAnothersCommands() {
        List<AclBinding> broken = new java.util.ArrayList<>(SagaAcls.plan());
        broken.add(new AclBinding(new org.apache.kafka.common.resource.ResourcePattern(ResourceType.TOPIC, "saga.",
                PatternType.PREFIXED), new org.apache.kafka.common.acl.AccessControlEntry("User:inventory", "*",
                AclOperation.READ, org.apache.kafka.common.acl.AclPermissionType.ALLOW)));
        assertThat(allows(broken, "inventory", AclOperation.READ, ResourceType.TOPIC, "saga.payment.commands")).isTrue();
    }

    /** Wildcards and DENY bindings would slip past the table above, which asks about named users and resources. */
    @Test
    void thePlanNamesEveryUserAndResourceAndOnlyAllows() {
        for (AclBinding b : SagaAcls.plan()) {
            assertThat(b.entry().permissionType()).as("%s", b).isEqualTo(org.apache.kafka.common.acl.AclPermissionType.ALLOW);
            assertThat(b.entry().principal()).as("%s", b).isIn(SagaAcls.USERS.stream().map(u -> "User:" + u).toList());
            assertThat(b.entry().host()).as("%s", b).isEqualTo("*");
            assertThat(b.pattern().name()).as("%s", b).isNotEqualTo("*").isNotEmpty();
            assertThat(b.entry().operation()).as("%s", b).isNotEqualTo(AclOperation.ALL);
        }
    }

    @Test
    void theStackKnowsTheSameUsersAndToolGroupsAsTheBroker() {
        assertThat(KafkaBroker.USERS).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(java.util.stream.Stream.of(SagaAcls.ADMIN), SagaAcls.USERS.stream())
                        .toList());
        assertThat(KafkaLogin.TOOL_GROUPS).isEqualTo(SagaAcls.TOOL_GROUPS);
        assertThat(KafkaLogin.ADMIN).isEqualTo(SagaAcls.ADMIN);
    }

    @Test
    void everyTopicInThePlanIsMadeAtStartUpOrByTheBench() {
        for (AclBinding b : SagaAcls.plan()) {
            if (b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().patternType() == PatternType.LITERAL) {
                assertThat(SagaAcls.topics()).as("topic of %s", b).contains(b.pattern().name());
            }
        }
    }

    private static ResourceType type(String word) {
        return switch (word) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "cluster" -> ResourceType.CLUSTER;
            default -> throw new IllegalArgumentException(word);
        };
    }

    /** Kafka's rule for ALLOW bindings: same principal and operation (or ALL), the name literal or by prefix. */
    static boolean allows(List<AclBinding> plan, String user, AclOperation op, ResourceType type, String name) {
        return plan.stream().anyMatch(b -> b.entry().principal().equals("User:" + user)
                && (b.entry().operation() == op || b.entry().operation() == AclOperation.ALL)
                && b.pattern().resourceType() == type
                && (b.pattern().patternType() == PatternType.LITERAL ? b.pattern().name().equals(name)
                        : name.startsWith(b.pattern().name())));
    }
}
