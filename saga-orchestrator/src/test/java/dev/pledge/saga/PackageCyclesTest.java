package dev.pledge.saga;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.pledge.testing.PackageCycles;

/** The packages of this service depend on each other one way only. */
class PackageCyclesTest {
    @Test
    void packagesFormNoCycle() {
        assertThat(PackageCycles.in(PackageCycles.of("dev.pledge.saga"), "dev.pledge.saga")).isEmpty();
    }
}
