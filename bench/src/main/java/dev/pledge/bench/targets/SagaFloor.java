package dev.pledge.bench.targets;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.pledge.bench.BenchOrder;
import dev.pledge.bench.PerClient;
import dev.pledge.bench.Target;
import dev.pledge.chaos.check.Databases;
import dev.pledge.chaos.check.Databases.Db;
import dev.pledge.stack.KafkaLogin;

/**
 * Floor (c): what a sequential order saga must do at the least, issued directly: the same local commits
 * and the same Kafka request and reply round trips, with no services. The orchestrator's side records the
 * start and each reply in its database; each step is a command on the participant's topic, handled by a
 * local commit (the update and an inbox row) and answered on the reply topic. Every commit that is followed
 * by a message also writes that message's outbox row, as Pledge must so that no message is lost; the message
 * is then sent at once (marking the row sent is left out: Pledge commits its marks without waiting for the
 * disk). Steps: reserve (inventory), charge (payment), confirm (inventory). Records of one saga are handled in
 * order, as a partition would.
 */
public final class SagaFloor implements Target {
    private static final String INVENTORY = "bench.floor.inventory";
    private static final String PAYMENT = "bench.floor.payment";
    private static final String REPLIES = "bench.floor.replies";
    private static final List<String> STEPS = List.of("reserve", "charge", "confirm");
    /** How an outbox row is told apart in the floor's log: a command's, and a participant's reply's. */
    private static final String OUTBOX = "outbox:";
    private static final String REPLY_OUTBOX = "reply:";
    /** As many partitions as Pledge's own saga topics have. */
    private static final int PARTITIONS = 3;
    /** Records handled side by side, each saga's in order. */
    private static final int LANES = 8;

    private final KafkaProducer<String, String> producer;
    private final Map<String, CompletableFuture<Boolean>> running = new ConcurrentHashMap<>();
    private final Map<String, BenchOrder> orders = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> pollers = new ArrayList<>();
    private final List<ExecutorService> lanes = new ArrayList<>();
    private final PerClient<Connection> sagaDb;
    private final PerClient<Connection> inventoryDb;
    private final PerClient<Connection> paymentDb;

    public SagaFloor(Databases dbs, KafkaLogin kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            for (String topic : List.of(INVENTORY, PAYMENT, REPLIES)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        Properties p = kafka.properties(Map.of());
        p.put("acks", "all");
        p.put("linger.ms", "0");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        sagaDb = new PerClient<>(() -> dbs.connect(Db.SAGA));
        inventoryDb = new PerClient<>(() -> local(dbs.connect(Db.INVENTORY)));
        paymentDb = new PerClient<>(() -> local(dbs.connect(Db.PAYMENT)));
        try {
            poll(kafka, INVENTORY, this::participantStep);
            poll(kafka, PAYMENT, this::participantStep);
            poll(kafka, REPLIES, this::reply);
        } catch (RuntimeException e) {
            close(); // what did start must not outlive a failed start
            throw e;
        }
    }

    private static Connection local(Connection c) throws Exception {
        c.setAutoCommit(false);
        return c;
    }

    @Override
    public String name() {
        return "saga-floor";
    }

    @Override
    public Kind kind() {
        return Kind.FLOOR;
    }

    @Override
    public Outcome order(BenchOrder order) throws Exception {
        CompletableFuture<Boolean> end = new CompletableFuture<>();
        running.put(order.gid(), end);
        orders.put(order.gid(), order);
        try {
            Statements.log(sagaDb.get(), order.gid(), "start", OUTBOX + STEPS.get(0));
            send(order.gid(), 0);
            return end.get(30, TimeUnit.SECONDS) ? Outcome.COMMITTED : Outcome.ABORTED;
        } finally {
            running.remove(order.gid());
            orders.remove(order.gid());
        }
    }

    private void send(String gid, int step) {
        publish(new ProducerRecord<>(step == 1 ? PAYMENT : INVENTORY, gid, STEPS.get(step)));
    }

    /** A record the broker refuses fails its order at once rather than leaving it to time out. */
    private void publish(ProducerRecord<String, String> record) {
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                CompletableFuture<Boolean> end = running.get(record.key());
                if (end != null) {
                    end.completeExceptionally(e);
                }
            }
        });
    }

    /** A participant's command: the update and its inbox row in one local commit, then the reply. */
    private void participantStep(ConsumerRecord<String, String> record) throws Exception {
        BenchOrder order = orders.get(record.key());
        if (order == null) {
            return; // an order given up on
        }
        String step = record.value();
        Connection c = step.equals("charge") ? paymentDb.get() : inventoryDb.get();
        boolean done;
        try {
            done = switch (step) {
                case "reserve" -> Statements.reserve(c, order);
                case "charge" -> Statements.charge(c, order);
                default -> true;
            };
            Statements.log(c, record.key(), step, REPLY_OUTBOX + step);
            c.commit();
        } catch (java.sql.SQLException | RuntimeException e) {
            c.rollback(); // the lane's connection stays usable for the next step
            throw e;
        }
        publish(new ProducerRecord<>(REPLIES, record.key(), step + (done ? ":done" : ":refused")));
    }

    /** The orchestrator takes a reply in: its state in its database, then the next command or the end. */
    private void reply(ConsumerRecord<String, String> record) throws Exception {
        CompletableFuture<Boolean> end = running.get(record.key());
        if (end == null) {
            return;
        }
        String[] parts = record.value().split(":");
        int step = STEPS.indexOf(parts[0]);
        boolean next = parts[1].equals("done") && step < STEPS.size() - 1;
        if (next) {
            Statements.log(sagaDb.get(), record.key(), parts[0], OUTBOX + STEPS.get(step + 1));
        } else {
            Statements.log(sagaDb.get(), record.key(), parts[0]);
        }
        if (!parts[1].equals("done")) {
            end.complete(false); // the floor of the success path; a refusal ends it
        } else if (step == STEPS.size() - 1) {
            end.complete(true);
        } else {
            send(record.key(), step + 1);
        }
    }

    private interface Handler {
        void handle(ConsumerRecord<String, String> record) throws Exception;
    }

    private void poll(KafkaLogin kafka, String topic, Handler handler) {
        List<ExecutorService> byKey = new ArrayList<>();
        for (int i = 0; i < LANES; i++) {
            byKey.add(Executors.newSingleThreadExecutor(r -> daemon(r, "bench-" + topic)));
        }
        lanes.addAll(byKey);
        Properties p = kafka.properties(Map.of());
        p.put("group.id", KafkaLogin.toolGroup("bench-floor-" + topic));
        p.put("auto.offset.reset", "latest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        CompletableFuture<Void> assigned = new CompletableFuture<>();
        Thread t = daemon(() -> {
            try (consumer) {
                consumer.subscribe(List.of(topic));
                while (!stopping.get()) {
                    var records = consumer.poll(Duration.ofMillis(20));
                    if (!assigned.isDone() && !consumer.assignment().isEmpty()) {
                        // the start positions are fixed now, so nothing sent from here on is skipped
                        consumer.assignment().forEach(consumer::position);
                        assigned.complete(null);
                    }
                    for (ConsumerRecord<String, String> r : records) {
                        byKey.get(Math.floorMod(r.key().hashCode(), LANES)).execute(() -> {
                            try {
                                handler.handle(r);
                            } catch (Exception e) {
                                CompletableFuture<Boolean> end = running.get(r.key());
                                if (end != null) {
                                    end.completeExceptionally(e);
                                }
                            }
                        });
                    }
                }
            }
        }, "bench-poll-" + topic);
        t.start();
        pollers.add(t);
        assigned.orTimeout(30, TimeUnit.SECONDS).join(); // nothing is sent before every consumer listens
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws Exception {
        stopping.set(true);
        for (Thread t : pollers) {
            t.join(5000);
        }
        lanes.forEach(ExecutorService::shutdownNow);
        producer.close(Duration.ofSeconds(5));
        try (sagaDb; inventoryDb; paymentDb) {
            // all closed
        }
    }
}
