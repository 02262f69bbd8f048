package dev.pledge.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

class KafkaPublishTest {

    /** What the fake broker does with the n-th record sent (from 0). */
    private enum Answer { ACK, REFUSE, SILENCE }

    /** An emitter standing in for the Kafka connector: it answers each record as told, after all were sent. */
    private static final class FakeEmitter implements Emitter<String> {
        private final Function<Integer, Answer> answers;
        final List<Message<String>> sent = new CopyOnWriteArrayList<>();

        FakeEmitter(Function<Integer, Answer> answers) {
            this.answers = answers;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <M extends Message<? extends String>> void send(M message) {
            sent.add((Message<String>) message);
        }

        /** Answers every record sent so far, last first: the relay must not care in which order acks come. */
        void answerAll() {
            for (int i = sent.size() - 1; i >= 0; i--) {
                Message<String> m = sent.get(i);
                switch (answers.apply(i)) {
                    case ACK -> {
                        String topic = m.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getTopic();
                        m.getMetadata(OutgoingMessageMetadata.class).orElseThrow()
                                .setResult(new RecordMetadata(new TopicPartition(topic, 0), i, 0, 0L, 0, 0));
                        m.ack();
                    }
                    case REFUSE -> m.nack(new IllegalStateException("not leader for partition"));
                    case SILENCE -> { }
                }
            }
        }

        @Override
        public CompletionStage<Void> send(String payload) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete() {
        }

        @Override
        public void error(Exception e) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }

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
