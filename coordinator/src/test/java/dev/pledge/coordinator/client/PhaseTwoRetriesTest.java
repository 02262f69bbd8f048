package dev.pledge.coordinator.client;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.junit.jupiter.api.Test;

class PhaseTwoRetriesTest {

    @Test
    void aFourHundredAnswerIsFinal() {
        assertThat(CallFailures.worthRetrying(new WebApplicationException(409))).as("ended the other way").isFalse();
        assertThat(CallFailures.worthRetrying(new WebApplicationException(412))).as("a stale epoch").isFalse();
        assertThat(CallFailures.worthRetrying(new WebApplicationException(404))).isFalse();
    }

    @Test
    void noAnswerOrAServerErrorIsSentAgain() {
        assertThat(CallFailures.worthRetrying(new ProcessingException("connection refused"))).isTrue();
        assertThat(CallFailures.worthRetrying(new WebApplicationException(503))).isTrue();
        assertThat(CallFailures.worthRetrying(new WebApplicationException(500))).isTrue();
    }
}
