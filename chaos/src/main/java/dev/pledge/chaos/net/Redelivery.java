package dev.pledge.chaos.net;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.pledge.stack.KafkaLogin;
import dev.pledge.stack.Sleeper;

/**
 * Kafka's at-least-once delivery made visible: reads the saga topics as they are written and publishes a
 * seeded share of the records again, same key, value and headers, 0-2 s later, as a producer retry or an
 * outbox relay that crashed between sending and marking would. A consumer therefore sees the same
 * command, reply or event twice, sometimes after later ones.
 */
public final class Redelivery implements AutoCloseable {
    public static final List<String> SAGA_TOPICS = List.of("saga.inventory.commands", "saga.payment.commands",
            "saga.replies", "saga.order.events");

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "redelivery-publisher");
        t.setDaemon(true);
        return t;
    });
    private final Thread reader;
    private final Random random;
    private final double rate;
    private final Consumer<String> log;
    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private volatile boolean active;
    private volatile boolean assigned;

    /**
     * @param login the operator's login: redelivery reads and publishes every saga topic
     * @param rate the share of records published again while active, 0 to 1
     */
    public Redelivery(KafkaLogin login, double rate, long seed, Consumer<String> log) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("the redelivery rate must be between 0 and 1, not " + rate);
        }
        this.rate = rate;
        this.random = new Random(seed);
        this.log = log;
        Properties c = login.properties(Map.of());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaLogin.toolGroup("chaos-redelivery-" + UUID.randomUUID()));
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(c);
        Properties p = login.properties(Map.of());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.reader = new Thread(this::read, "redelivery-reader");
        reader.setDaemon(true);
    }

    /** Starts reading; returns once the reader holds every partition of the saga topics. */
    public void start() {
        consumer.subscribe(SAGA_TOPICS, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> p) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> p) {
                assigned = true;
            }
        });
        reader.start();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!assigned) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("the redelivery reader got no partitions of " + SAGA_TOPICS + " within 30 s");
            }
            Sleeper.pause(Duration.ofMillis(50));
        }
    }

    /** Whether records are published again; when not, records are only read. */
    public void active(boolean on) {
        this.active = on;
    }

    /** Records published again so far. */
    public long redelivered() {
        return redelivered.get();
    }

    /** Records read so far. */
    public long seen() {
        return seen.get();
    }

    private void read() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.incrementAndGet();
                    long delay = pick(r);
                    if (delay >= 0) {
                        later.schedule(() -> publishAgain(r), delay, TimeUnit.MILLISECONDS);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.accept("  (redelivery reader stopped: " + e.getMessage() + ")");
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The delay before publishing {@code r} again, or -1 to leave it. */
    private long pick(ConsumerRecord<byte[], byte[]> r) {
        if (!active) {
            return -1;
        }
        synchronized (random) {
            return random.nextDouble() < rate ? random.nextInt(2001) : -1;
        }
    }

    private void publishAgain(ConsumerRecord<byte[], byte[]> r) {
        ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(r.topic(), r.partition(), r.key(), r.value(), r.headers());
        producer.send(again, (meta, e) -> {
            if (e == null) {
                redelivered.incrementAndGet();
            } else {
                log.accept("  (could not publish a record of " + r.topic() + " again: " + e.getMessage() + ")");
            }
        });
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        later.shutdown();
        try {
            later.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
