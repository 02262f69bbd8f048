package dev.pledge.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {

    @Test
    void aSavedTopologyIsWhatLaterCommandsSee(@TempDir Path state) {
        assertThat(Topology.load(state)).isEqualTo(Topology.SINGLE);
        new Topology(2, 3).save(state);
        StackConfig c = StackConfig.fromEnv(Map.of("PLEDGE_STATE_DIR", state.toString()), Path.of("/opt/pledge"));
        assertThat(c.topology()).isEqualTo(new Topology(2, 3));
    }

    @Test
    void replicasRunOnTheirOwnPortsBehindABalancerOnTheServicesPort(@TempDir Path state) {
        StackConfig c = StackConfig.fromEnv(Map.of("PLEDGE_STATE_DIR", state.toString(), "PLEDGE_COORDINATOR_2_PORT", "9281"),
                Path.of("/opt/pledge")).withTopology(new Topology(2, 2));
        Stack stack = new Stack(c);
        assertThat(stack.replicas(Stack.COORDINATOR)).extracting(QuarkusService::name, QuarkusService::port)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("coordinator-1", 8180),
                        org.assertj.core.groups.Tuple.tuple("coordinator-2", 9281));
        assertThat(stack.replicas(Stack.SAGA_ORCHESTRATOR)).extracting(QuarkusService::port).containsExactly(8190, 8191);
        assertThat(stack.service(Stack.COORDINATOR).port()).as("the balancer keeps the usual port").isEqualTo(8080);
        assertThat(stack.replicas(Stack.INVENTORY)).extracting(QuarkusService::name).containsExactly("inventory");

        Stack single = new Stack(c.withTopology(Topology.SINGLE));
        assertThat(single.replicas(Stack.COORDINATOR)).extracting(QuarkusService::name).containsExactly("coordinator");
        assertThat(single.components()).extracting(ManagedProcess::name).doesNotContain("coordinator-1");
    }

    @Test
    void badCountsAndUnreadableFilesAreRefusedClearly(@TempDir Path state) throws IOException {
        assertThatThrownBy(() -> new Topology(0, 1)).hasMessageContaining("1 to 4 coordinators, not 0");
        assertThatThrownBy(() -> new Topology(1, 5)).hasMessageContaining("orchestrators, not 5");
        Files.writeString(state.resolve("topology.properties"), "coordinators=two\n");
        assertThatThrownBy(() -> Topology.load(state)).hasMessageContaining("topology.properties").hasMessageContaining("two");
    }

    @Test
    void aTopologyOtherThanOneOfEachSaysItIsRememberedAndHowToGoBack(@TempDir Path state) {
        assertThat(Topology.SINGLE.describe(state)).isEqualTo("1 coordinator, 1 orchestrator");
        assertThat(new Topology(2, 1).describe(state)).startsWith("2 coordinators, 1 orchestrator, remembered in "
                        + state.resolve("topology.properties") + " from an earlier ./pledge up --coordinators 2;")
                .endsWith("Back to one of each: ./pledge down && ./pledge up --coordinators 1");
        assertThat(new Topology(3, 2).describe(state)).contains("./pledge up --coordinators 3 --orchestrators 2;")
                .endsWith("./pledge up --coordinators 1 --orchestrators 1");
        assertThat(new Topology(1, 2).options()).isEqualTo("--orchestrators 2");
    }
}
