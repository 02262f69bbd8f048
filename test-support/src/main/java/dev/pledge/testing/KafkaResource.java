package dev.pledge.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.pledge.stack.KafkaBroker;
import dev.pledge.stack.Net;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts a real single-node Kafka broker (KRaft) as its own process on free ports. */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        broker = new KafkaBroker("kafka-test", Net.freePort(), Net.freePort(), StateDirs.fresh("kafka"),
                PledgeHome.locate(), java);
        broker.start();
        broker.awaitReady(Duration.ofSeconds(90));
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(15));
        }
    }
}
