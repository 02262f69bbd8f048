package dev.pledge.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import dev.pledge.common.kafka.FakeEmitter.Answer;


class KafkaPublishTest {

    private static List<KafkaPublish.Outgoing> records(int n) {
        List<KafkaPublish.Outgoing> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new KafkaPublish.Outgoing("saga.replies", "saga-" + i, "{\"n\":" + i + "}", null));
        }
        return out;
    }

    private static List<RecordMetadata> publish(FakeEmitter emitter, int n, Duration patience) throws Exception {
        CompletableFuture<List<RecordMetadata>> result = CompletableFuture.supplyAsync(() -> {
            try {
                return KafkaPublish.allAndAwait(emitter, records(n), patience);
            } catch (KafkaPublish.NotPublished e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (emitter.sent.size() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(emitter.sent).as("every record is sent before any acknowledgement is awaited").hasSize(n);
        emitter.answerAll();
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void everyRecordIsSentFirstThenEachLandingIsAnsweredInOrder() throws Exception {
        FakeEmitter emitter = new FakeEmitter(i -> Answer.ACK);
        List<RecordMetadata> landed = publish(emitter, 4, Duration.ofSeconds(5));
        assertThat(landed).extracting(RecordMetadata::offset).containsExactly(0L, 1L, 2L, 3L);
        assertThat(emitter.sent).extracting(Message::getPayload).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    }

    private static List<Long> offsets(List<RecordMetadata> landed) {
        return landed.stream().map(m -> m == null ? null : m.offset()).toList();
    }

    @Test
    void everyRecordTheBrokerTookCountsAndARefusedOneIsLeftForLater() throws Exception {
        FakeEmitter emitter = new FakeEmitter(i -> i == 2 ? Answer.REFUSE : Answer.ACK);
        List<RecordMetadata> landed = publish(emitter, 4, Duration.ofSeconds(5));
        assertThat(offsets(landed)).containsExactly(0L, 1L, null, 3L);
        assertThat(KafkaPublish.troubled(landed)).as("the relay sends one row per pass next").isTrue();
    }

    @Test
    void aRecordNotAnsweredInTimeIsLeftForLaterToo() throws Exception {
        FakeEmitter emitter = new FakeEmitter(i -> i == 1 ? Answer.SILENCE : Answer.ACK);
        assertThat(offsets(publish(emitter, 3, Duration.ofMillis(300)))).containsExactly(0L, null, 2L);
        assertThat(KafkaPublish.troubled(publish(new FakeEmitter(i -> Answer.ACK), 2, Duration.ofSeconds(5)))).isFalse();
    }

    @Test
    void whenNoRecordLandsTheRelayIsToldWhy() {
        FakeEmitter emitter = new FakeEmitter(i -> Answer.REFUSE);
        assertThatThrownBy(() -> publish(emitter, 2, Duration.ofSeconds(5)))
                .hasRootCauseMessage("not leader for partition")
                .hasMessageContaining("could not publish to saga.replies");
    }
}
