package dev.pledge.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.pledge.common.kafka.AfterCommitSends.Landed;
import dev.pledge.common.kafka.AfterCommitSends.Row;
import dev.pledge.common.kafka.FakeEmitter.Answer;

class AfterCommitSendsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Landed> marked = new CopyOnWriteArrayList<>();

    private static List<Row> rows(long... ids) {
        List<Row> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(new Row(id, new KafkaPublish.Outgoing("saga.replies", "saga-" + id, "{\"row\":" + id + "}", null)));
        }
        return rows;
    }

    private AfterCommitSends sends(FakeEmitter emitter, Duration patience) {
        return new AfterCommitSends("test-marks", emitter, patience, marked::addAll);
    }

    @Test
    void rowsAreSentInOrderAtOnceAndStayInFlightUntilMarked() {
        FakeEmitter emitter = new FakeEmitter(i -> Answer.ACK);
        try (AfterCommitSends sends = sends(emitter, WAIT)) {
            sends.send(rows(7, 8, 9));

            assertThat(emitter.sent).as("sent before any acknowledgement").extracting(m -> m.getPayload())
                    .containsExactly("{\"row\":7}", "{\"row\":8}", "{\"row\":9}");
            assertThat(sends.inFlight()).as("a relay's pass must leave these alone").containsExactlyInAnyOrder(7L, 8L, 9L);

            emitter.answer(1);
            await().atMost(WAIT).until(() -> marked.size() == 1);
            assertThat(marked.get(0).id()).isEqualTo(8L);
            assertThat(marked.get(0).where().offset()).as("where the broker put it, for the mark").isEqualTo(1L);
            assertThat(sends.inFlight()).containsExactlyInAnyOrder(7L, 9L);

            emitter.answer(0);
            emitter.answer(2);
            await().atMost(WAIT).until(() -> sends.inFlight().isEmpty());
            assertThat(marked).extracting(Landed::id).containsExactlyInAnyOrder(7L, 8L, 9L);
            assertThat(sends.troubled()).isFalse();
        }
    }

    @Test
    void aRowThatMayLeaveOnlyLaterIsSentThenAndIsInFlightMeanwhile() {
        FakeEmitter emitter = new FakeEmitter(i -> Answer.ACK);
        try (AfterCommitSends sends = sends(emitter, WAIT)) {
            Row later = new Row(4, rows(4).get(0).record(), Instant.now().plusMillis(500));
            sends.send(List.of(later));
            assertThat(emitter.sent).as("not before its time").isEmpty();
            assertThat(sends.inFlight()).as("its sender's: a relay leaves it alone").containsExactly(4L);
            await().atMost(WAIT).until(() -> emitter.sent.size() == 1);
            emitter.answer(0);
            await().atMost(WAIT).until(() -> sends.inFlight().isEmpty());
            assertThat(marked).extracting(Landed::id).containsExactly(4L);
        }
    }

    @Test
    void aRefusedRowIsTheRelaysAgainAndSendsWaitForTheRelayToLandOne() {
        FakeEmitter emitter = new FakeEmitter(i -> i == 0 ? Answer.REFUSE : Answer.ACK);
        try (AfterCommitSends sends = sends(emitter, WAIT)) {
            sends.send(rows(1));
            emitter.answer(0);
            await().atMost(WAIT).until(sends::troubled);
            assertThat(sends.inFlight()).as("the relay's next pass takes it").isEmpty();
            assertThat(marked).isEmpty();

            sends.send(rows(2));
            assertThat(emitter.sent).as("no send while the broker is in trouble: the relay sends row 2").hasSize(1);
            assertThat(sends.inFlight()).isEmpty();

            sends.troubled(false); // a relay pass landed a record
            sends.send(rows(3));
            emitter.answer(1);
            await().atMost(WAIT).until(() -> marked.size() == 1);
            assertThat(marked.get(0).id()).isEqualTo(3L);
        }
    }

    @Test
    void aRowNotAcknowledgedWithinThePatienceIsTheRelaysAgain() {
        FakeEmitter emitter = new FakeEmitter(i -> Answer.SILENCE);
        try (AfterCommitSends sends = sends(emitter, Duration.ofMillis(200))) {
            sends.send(rows(5));
            assertThat(sends.inFlight()).containsExactly(5L);
            await().atMost(WAIT).until(() -> sends.inFlight().isEmpty());
            assertThat(sends.troubled()).isTrue();
            assertThat(marked).isEmpty();
        }
    }

    @Test
    void anEmitterThatCannotTakeTheRecordLeavesTheRowToTheRelay() {
        FakeEmitter full = new FakeEmitter(i -> Answer.ACK) {
            @Override
            public <M extends org.eclipse.microprofile.reactive.messaging.Message<? extends String>> void send(M message) {
                throw new IllegalStateException("SRMSG00034: Insufficient downstream requests to emit item");
            }
        };
        try (AfterCommitSends sends = sends(full, WAIT)) {
            sends.send(rows(4, 5));
            await().atMost(WAIT).until(sends::troubled);
            assertThat(sends.inFlight()).isEmpty();
        }
    }

    @Test
    void aMarkThatFailsIsWrittenLaterAndTheRowsStayInFlightMeanwhile() {
        FakeEmitter emitter = new FakeEmitter(i -> Answer.ACK);
        AtomicInteger failedMarks = new AtomicInteger();
        AtomicBoolean databaseAway = new AtomicBoolean(true);
        try (AfterCommitSends sends = new AfterCommitSends("test-marks", emitter, WAIT, landed -> {
            if (databaseAway.get()) {
                failedMarks.incrementAndGet();
                throw new SQLException("the database is away");
            }
            marked.addAll(landed);
        })) {
            sends.send(rows(LongStream.rangeClosed(1, 3).toArray()));
            emitter.answerAll();
            await().atMost(WAIT).until(() -> failedMarks.get() >= 1);
            assertThat(sends.inFlight()).as("acknowledged but not marked: still not the relay's").hasSize(3);
            databaseAway.set(false);
            await().atMost(WAIT).until(() -> sends.inFlight().isEmpty());
            assertThat(marked).extracting(Landed::id).containsExactlyInAnyOrder(1L, 2L, 3L);
        }
    }
}
