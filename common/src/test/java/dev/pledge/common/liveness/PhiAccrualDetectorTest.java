package dev.pledge.common.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PhiAccrualDetectorTest {

    private static PhiAccrualDetector regular(int beats, long every) {
        PhiAccrualDetector d = new PhiAccrualDetector(500, 0);
        for (int i = 0; i < beats; i++) {
            d.heartbeat(i * every);
        }
        return d;
    }

    @Test
    void aPeerOnTimeIsNotSuspected() {
        PhiAccrualDetector d = regular(20, 500);
        assertThat(d.phi(19 * 500 + 400)).isLessThan(1);
    }

    @Test
    void suspicionGrowsWithSilence() {
        PhiAccrualDetector d = regular(20, 500);
        long last = 19 * 500;
        double soon = d.phi(last + 600);
        double later = d.phi(last + 1200);
        double long_ = d.phi(last + 3000);
        assertThat(soon).isLessThan(later);
        assertThat(later).isLessThan(long_);
        assertThat(long_).isGreaterThan(8);
    }

    @Test
    void irregularHeartbeatsMakeItMoreTolerant() {
        PhiAccrualDetector steady = regular(20, 500);
        PhiAccrualDetector jittery = new PhiAccrualDetector(500, 0);
        long t = 0;
        for (int i = 0; i < 20; i++) {
            t += i % 2 == 0 ? 100 : 900;
            jittery.heartbeat(t);
        }
        assertThat(jittery.phi(t + 1500)).isLessThan(steady.phi(19 * 500 + 1500));
    }

    @Test
    void anAcceptablePauseDelaysSuspicion() {
        PhiAccrualDetector strict = regular(20, 500);
        PhiAccrualDetector patient = new PhiAccrualDetector(500, 1000);
        for (int i = 0; i < 20; i++) {
            patient.heartbeat(i * 500);
        }
        long silence = 19 * 500 + 1200;
        assertThat(strict.phi(silence)).isGreaterThan(8);
        assertThat(patient.phi(silence)).isLessThan(1);
        assertThat(patient.phi(19 * 500 + 3000)).isGreaterThan(8);
    }

    @Test
    void oneHeartbeatIsJudgedByTheExpectedInterval() {
        PhiAccrualDetector d = new PhiAccrualDetector(500, 0);
        assertThat(d.hasHeartbeat()).isFalse();
        assertThat(d.phi(10_000)).isZero();
        d.heartbeat(0);
        assertThat(d.phi(300)).isLessThan(1);
        assertThat(d.phi(10_000)).isGreaterThan(8);
    }
}
