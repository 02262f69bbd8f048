package dev.pledge.common.kafka;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * An emitter standing in for the Kafka connector: it keeps what is sent and answers each record as told when
 * asked to. The n-th record sent (from 0) lands, if acknowledged, at offset n of partition 0.
 */
class FakeEmitter implements Emitter<String> {
    /** What the fake broker does with a record. */
    enum Answer { ACK, REFUSE, SILENCE }

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

    /** Answers every record sent so far, last first: a relay must not care in which order acks come. */
    void answerAll() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            answer(i);
        }
    }

    /** Answers the i-th record sent. */
    void answer(int i) {
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
