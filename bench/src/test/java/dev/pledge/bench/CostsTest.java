package dev.pledge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CostsTest {

    @Test
    void countsEveryRequestButTheServicesOwnEndpoints() {
        String metrics = """
                # TYPE http_server_requests_seconds summary
                http_server_requests_seconds_count{method="POST",outcome="SUCCESS",status="200",uri="/branches/{gid}/prepare"} 2095.0
                http_server_requests_seconds_count{method="POST",outcome="SUCCESS",status="200",uri="/branches/{gid}/commit"} 2095.0
                http_server_requests_seconds_count{method="GET",outcome="SUCCESS",status="200",uri="/q/health/live"} 77.0
                http_server_requests_seconds_count{method="POST",status="201",uri="/orders"} 5.0 # {span_id="24b8359f7892a4eb",trace_id="9f8ce799545042aca80f66e9ed3456da"} 1.0 1795540879.844
                http_server_requests_seconds_sum{method="POST",status="201",uri="/orders"} 0.5
                """;
        assertThat(Costs.requestsIn(metrics)).isEqualTo(2095 + 2095 + 5);
    }

    @Test
    void costsPerOrderAreTheDifferencesDividedByTheOrders() {
        Costs.Reading before = new Costs.Reading(Map.of("coordinator", 100L, "inventory", 10L), 40,
                Map.of("coordinator", 1_000_000L, "bench", 500_000L), 0);
        Costs.Reading after = new Costs.Reading(Map.of("coordinator", 150L, "inventory", 110L), 540,
                Map.of("coordinator", 1_500_000L, "bench", 400_000L), 2_000_000_000L);
        Costs.PerOrder per = Costs.between(before, after, 100, Costs.Background.NONE);
        assertThat(per.walFlushes()).containsEntry("coordinator", 0.5).containsEntry("inventory", 1.0);
        assertThat(per.walFlushesTotal()).isEqualTo(1.5);
        assertThat(per.httpCalls()).isEqualTo(5.0);
        assertThat(per.cpuMs()).as("a process that went backwards restarted: left out")
                .containsExactlyEntriesOf(Map.of("coordinator", 5.0));
        assertThat(per.cpuMsTotal()).isEqualTo(5.0);
    }

    @Test
    void theBackgroundRateOverTheRowsWallTimeIsTakenOutOfItsCpu() {
        Costs.Reading before = new Costs.Reading(Map.of(), 0, Map.of("kafka", 1_000_000L, "coordinator", 0L), 1_000_000_000L);
        Costs.Reading after = new Costs.Reading(Map.of(), 0, Map.of("kafka", 1_300_000L, "coordinator", 50_000L),
                11_000_000_000L); // 10 s later
        Costs.Background idle = new Costs.Background(Map.of("kafka", 20.0, "coordinator", 10.0)); // ms per second
        Costs.PerOrder per = Costs.between(before, after, 50, idle);
        assertThat(per.cpuMs()).as("kafka: 300 ms used, 200 ms of it background, over 50 orders")
                .containsEntry("kafka", 2.0)
                .as("coordinator: less than its background, so nothing is left for the orders")
                .containsEntry("coordinator", 0.0);
        assertThat(idle.total()).isEqualTo(30.0);
    }

    @Test
    void cpuTicksAreReadPastACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1200 300 7 8 20 0 40 0 123 0 0";
        assertThat(CpuTime.parse(stat)).hasValue(1200 + 300 + 7 + 8);
        assertThat(CpuTime.statTicks(ProcessHandle.current().pid())).as("this process, from /proc").isPresent();
    }
}
