package dev.pledge.coordinator.client;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.junit.jupiter.api.Test;

class PhaseTwoRetriesTest {

    @Test
    void aFourHundredAnswerIsFinal() {
        assertThat(ParticipantCalls.worthRetrying(new WebApplicationException(409))).as("ended the other way").isFalse();
        assertThat(ParticipantCalls.worthRetrying(new WebApplicationException(412))).as("a stale epoch").isFalse();
        assertThat(ParticipantCalls.worthRetrying(new WebApplicationException(404))).isFalse();
    }

    @Test
    void noAnswerOrAServerErrorIsSentAgain() {
        assertThat(ParticipantCalls.worthRetrying(new ProcessingException("connection refused"))).isTrue();
        assertThat(ParticipantCalls.worthRetrying(new WebApplicationException(503))).isTrue();
        assertThat(ParticipantCalls.worthRetrying(new WebApplicationException(500))).isTrue();
    }
}
