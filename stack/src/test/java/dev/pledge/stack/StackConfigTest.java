package dev.pledge.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StackConfigTest {

    @Test
    void defaultsAreTheDocumentedPortsAndAStateDirUnderHome() {
        StackConfig c = StackConfig.fromEnv(Map.of(), Path.of("/opt/pledge"));
        assertThat(c.port(Stack.PG_COORDINATOR)).isEqualTo(5441);
        assertThat(c.port(Stack.PG_SAGA)).isEqualTo(5444);
        assertThat(c.port(Stack.KAFKA)).isEqualTo(9092);
        assertThat(c.port(Stack.COORDINATOR)).isEqualTo(8080);
        assertThat(c.port(Stack.SAGA_ORCHESTRATOR)).isEqualTo(8083);
        assertThat(c.stateDir()).isEqualTo(Path.of("/opt/pledge/.pledge"));
        assertThat(c.fsync()).isTrue();
    }

    @Test
    void everyPortAndPathCanBeOverriddenByEnvironment() {
        StackConfig c = StackConfig.fromEnv(Map.of("PLEDGE_POSTGRES_INVENTORY_PORT", "6442",
                "PLEDGE_SAGA_ORCHESTRATOR_PORT", "9183", "PLEDGE_STATE_DIR", "/tmp/s", "PLEDGE_PG_FSYNC", "off"),
                Path.of("/opt/pledge"));
        assertThat(c.port(Stack.PG_INVENTORY)).isEqualTo(6442);
        assertThat(c.port(Stack.SAGA_ORCHESTRATOR)).isEqualTo(9183);
        assertThat(c.stateDir()).isEqualTo(Path.of("/tmp/s"));
        assertThat(c.fsync()).isFalse();
        assertThat(StackConfig.portVariable(Stack.PG_INVENTORY)).isEqualTo("PLEDGE_POSTGRES_INVENTORY_PORT");
    }

    @Test
    void badValuesAreRejectedWithTheVariableName() {
        assertThatThrownBy(() -> StackConfig.fromEnv(Map.of("PLEDGE_KAFKA_PORT", "90a"), Path.of("/x")))
                .hasMessageContaining("PLEDGE_KAFKA_PORT").hasMessageContaining("90a");
        assertThatThrownBy(() -> StackConfig.fromEnv(Map.of("PLEDGE_COORDINATOR_PORT", "70000"), Path.of("/x")))
                .hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> StackConfig.fromEnv(Map.of("PLEDGE_PG_FSYNC", "maybe"), Path.of("/x")))
                .hasMessageContaining("PLEDGE_PG_FSYNC");
    }
}
