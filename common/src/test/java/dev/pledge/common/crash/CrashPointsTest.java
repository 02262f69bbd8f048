package dev.pledge.common.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pledge.common.problem.ProblemException;

class CrashPointsTest {
    private final CrashPoints points = new CrashPoints(Optional.of(List.of("after-decision", "after-votes")));

    @Test
    void aPauseHoldsTheNextThreadOnceAndIsThenGone() {
        points.pause("after-decision", Duration.ofMillis(150));
        assertThat(points.pauses()).containsOnlyKeys("after-decision");

        points.hit("after-votes"); // another point: no pause taken
        assertThat(points.pauses()).containsOnlyKeys("after-decision");

        long t0 = System.nanoTime();
        points.hit("after-decision");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(points.pauses()).isEmpty();
    }

    @Test
    void aPauseNeedsAKnownPointAndASensibleLength() {
        assertThatThrownBy(() -> points.pause("nowhere", Duration.ofMillis(10)))
                .isInstanceOf(ProblemException.class).hasMessageContaining("unknown crash point 'nowhere'");
        assertThatThrownBy(() -> points.pause("after-votes", Duration.ZERO))
                .isInstanceOf(ProblemException.class).hasMessageContaining("1 to 60000 ms");
        assertThatThrownBy(() -> points.pause("after-votes", Duration.ofMinutes(2)))
                .isInstanceOf(ProblemException.class).hasMessageContaining("1 to 60000 ms");
        assertThat(points.pauses()).isEmpty();
    }

    @Test
    void disarmingClearsTheCrashAndEveryPause() {
        points.arm("after-votes");
        points.pause("after-decision", Duration.ofSeconds(5));
        points.disarm();
        assertThat(points.armed()).isEmpty();
        assertThat(points.pauses()).isEmpty();
    }
}
