package dev.pledge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class EffectWindowTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static Instant at(long ms) {
        return T.plusMillis(ms);
    }

    @Test
    void aCompletedOrderDisagreesFromTheFirstEffectToTheSecond() {
        EffectWindow stock = new EffectWindow(at(0), null);
        EffectWindow money = new EffectWindow(at(30), null);
        assertThat(EffectWindow.disagreement(stock, money, at(100))).isEqualTo(Duration.ofMillis(30));
    }

    @Test
    void aReleasedReservationDisagreesUntilItIsReleased() {
        EffectWindow stock = new EffectWindow(at(10), at(60));
        assertThat(EffectWindow.disagreement(stock, EffectWindow.NEVER, at(100))).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void overlappingEffectsUndoneAtDifferentTimesCountBothEdges() {
        EffectWindow stock = new EffectWindow(at(0), at(90));
        EffectWindow money = new EffectWindow(at(20), at(50));
        // stock alone 0-20 and 50-90
        assertThat(EffectWindow.disagreement(stock, money, at(100))).isEqualTo(Duration.ofMillis(60));
    }

    @Test
    void nothingTakenNeverDisagrees() {
        assertThat(EffectWindow.disagreement(EffectWindow.NEVER, EffectWindow.NEVER, at(100))).isZero();
        EffectWindow both = new EffectWindow(at(5), null);
        assertThat(EffectWindow.disagreement(both, both, at(100))).isZero();
    }
}
