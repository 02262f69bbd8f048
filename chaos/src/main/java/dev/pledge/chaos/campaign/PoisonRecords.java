package dev.pledge.chaos.campaign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.pledge.chaos.net.Redelivery;
import dev.pledge.stack.KafkaLogin;

/** Unreadable records on the saga topics: each must reach the dead-letter topics its consumers use. */
final class PoisonRecords {
    private PoisonRecords() {
    }

    static long endOffsets(KafkaLogin kafka, List<String> topics) {
        try (KafkaConsumer<String, String> c = consumer(kafka)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
            }
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static KafkaConsumer<String, String> consumer(KafkaLogin kafka) {
        return consumer(kafka, new Properties());
    }

    private static KafkaConsumer<String, String> consumer(KafkaLogin kafka, Properties extra) {
        Properties p = kafka.properties(Map.of());
        p.putAll(extra);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p);
    }

    /** The dead-letter topics each saga topic's consumers use. */
    static final List<String[]> DEAD_LETTERS = List.of(
            new String[] {"saga.inventory.commands", "saga.inventory.commands.dlq"},
            new String[] {"saga.payment.commands", "saga.payment.commands.dlq"},
            new String[] {"saga.replies", "saga.replies.dlq"},
            new String[] {"saga.order.events", "saga.order.events.inventory.dlq"},
            new String[] {"saga.order.events", "saga.order.events.payment.dlq"},
            new String[] {"saga.order.events", "saga.order.events.observer.dlq"});

    /**
     * Publishes one unreadable record per saga topic and checks each reaches every dead-letter topic it should;
     * a record that does not is added to {@code problems}.
     *
     * @return how many records were published
     */
    static int send(KafkaLogin kafka, String runId, Consumer<String> progress, List<String> problems) {
        List<String> dlqs = DEAD_LETTERS.stream().map(d -> d[1]).toList();
        Properties rp = new Properties();
        rp.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaLogin.toolGroup(runId + "-dead-letters"));
        rp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // the run id marks this run's records
        try (KafkaConsumer<String, String> reader = consumer(kafka, rp)) {
            reader.subscribe(dlqs);
            Properties p = kafka.properties(Map.of());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            int sent = 0;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                for (String topic : Redelivery.SAGA_TOPICS) {
                    producer.send(new ProducerRecord<>(topic, runId, "poison " + runId + " for " + topic + ": {not json"));
                    sent++;
                }
                producer.flush();
            }
            List<String> missing = new ArrayList<>();
            DEAD_LETTERS.forEach(d -> missing.add(d[0] + " -> " + d[1]));
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!missing.isEmpty() && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && r.value().startsWith("poison " + runId + " for ")) {
                        String from = r.value().substring(("poison " + runId + " for ").length(), r.value().indexOf(':'));
                        if (missing.remove(from + " -> " + r.topic())) {
                            progress.accept("  poison record of " + from + " reached " + r.topic());
                        }
                    }
                }
            }
            missing.forEach(m -> problems.add("a poison record did not reach its dead-letter topic: " + m));
            return sent;
        }
    }
}
