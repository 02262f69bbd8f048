package dev.pledge.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void spreadsRequestsRoundRobinOverHealthyReplicas() {
        Backends b = Backends.parse(List.of("http://127.0.0.1:8180", "http://127.0.0.1:8181", "http://127.0.0.1:8182"));
        List<String> firsts = IntStream.range(0, 6).mapToObj(i -> b.order().get(0).url()).toList();
        assertThat(firsts).containsExactly("http://127.0.0.1:8180", "http://127.0.0.1:8181", "http://127.0.0.1:8182",
                "http://127.0.0.1:8180", "http://127.0.0.1:8181", "http://127.0.0.1:8182");
    }

    @Test
    void triesAReplicaMarkedDownOnlyAfterTheHealthyOnes() {
        Backends b = Backends.parse(List.of("http://127.0.0.1:8180", "http://127.0.0.1:8181"));
        Backends.Backend first = b.all().get(0);
        assertThat(b.markDown(first)).isTrue();
        assertThat(b.markDown(first)).as("already down").isFalse();
        for (int i = 0; i < 4; i++) {
            assertThat(b.order()).extracting(Backends.Backend::url)
                    .containsExactly("http://127.0.0.1:8181", "http://127.0.0.1:8180");
        }
        assertThat(b.markUp(first)).isTrue();
        assertThat(IntStream.range(0, 2).mapToObj(i -> b.order().get(0).url()).distinct()).hasSize(2);
    }

    @Test
    void refusesBackendsThatAreNotPlainHttpBaseUrls() {
        assertThatThrownBy(() -> Backends.parse(List.of(" ", "")))
                .hasMessageContaining("names no replica");
        assertThatThrownBy(() -> Backends.parse(List.of("https://127.0.0.1:8180")))
                .hasMessageContaining("must be http://host:port");
        assertThatThrownBy(() -> Backends.parse(List.of("http://127.0.0.1:8180/api")))
                .hasMessageContaining("no path");
        assertThatThrownBy(() -> Backends.parse(List.of("http://127.0.0.1:8180", "http://127.0.0.1:8180/")))
                .hasMessageContaining("twice");
    }
}
