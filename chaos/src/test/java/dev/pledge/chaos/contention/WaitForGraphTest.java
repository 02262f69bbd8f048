package dev.pledge.chaos.contention;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class WaitForGraphTest {

    @Test
    void twoOrdersWaitingForEachOtherInTwoDatabasesAreOneCycle() throws Exception {
        Map<String, JsonNode> waits = Map.of(
                "inventory", json("[{\"gid\":\"B.inventory\",\"waitingMs\":1200,\"policy\":\"wait\",\"row\":\"products(HOT-1)\","
                        + "\"holders\":[{\"gid\":\"A.inventory\",\"kind\":\"PREPARED\",\"heldMs\":1300}]}]"),
                "payment", json("[{\"gid\":\"A.payment\",\"waitingMs\":1100,\"policy\":\"wait\",\"row\":\"accounts(acc-hot)\","
                        + "\"holders\":[{\"gid\":\"B.payment\",\"kind\":\"PREPARED\",\"heldMs\":1250}]}]"));

        List<WaitForGraph.Edge> edges = WaitForGraph.edges(waits);

        assertThat(edges).extracting(WaitForGraph.Edge::waiter, WaitForGraph.Edge::holder)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("B", "A"),
                        org.assertj.core.groups.Tuple.tuple("A", "B"));
        assertThat(WaitForGraph.cycles(edges)).containsExactly(List.of("A", "B"));
    }

    @Test
    void aChainOfWaitsAndAWaitForASessionAreNoCycle() throws Exception {
        Map<String, JsonNode> waits = Map.of("inventory", json("["
                + "{\"gid\":\"C.inventory\",\"waitingMs\":10,\"holders\":[{\"gid\":\"B.inventory\",\"kind\":\"PREPARING\"}]},"
                + "{\"gid\":\"B.inventory\",\"waitingMs\":20,\"holders\":[{\"gid\":\"A.inventory\",\"kind\":\"PREPARED\"}]},"
                + "{\"gid\":\"A.inventory\",\"waitingMs\":5,\"holders\":[{\"kind\":\"SESSION\",\"backend\":42}]}]"));

        List<WaitForGraph.Edge> edges = WaitForGraph.edges(waits);

        assertThat(edges).hasSize(3);
        assertThat(edges.get(2).holder()).isEqualTo("session (backend 42)");
        assertThat(WaitForGraph.cycles(edges)).isEmpty();
    }

    @Test
    void aLongerCycleIsReportedOnceFromItsSmallestTransaction() throws Exception {
        Map<String, JsonNode> waits = Map.of("p", json("["
                + "{\"gid\":\"C.p\",\"holders\":[{\"gid\":\"A.p\",\"kind\":\"PREPARED\"}]},"
                + "{\"gid\":\"A.p\",\"holders\":[{\"gid\":\"B.p\",\"kind\":\"PREPARED\"}]},"
                + "{\"gid\":\"B.p\",\"holders\":[{\"gid\":\"C.p\",\"kind\":\"PREPARED\"}]}]"));

        assertThat(WaitForGraph.cycles(WaitForGraph.edges(waits))).containsExactly(List.of("A", "B", "C"));
    }

    private static JsonNode json(String text) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    }
}
