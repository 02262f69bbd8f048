package dev.pledge.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.pledge.common.tracing.Traces;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

class RecordTracesTest {
    private static final String FIRST = "00-" + "1".repeat(32) + "-00f067aa0ba902b7-01";
    private static final String LAST = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aRecordsLastTraceparentIsCurrentWhileItIsHandled() {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("saga.inventory.commands", 0, 7, "k", "{}");
        assertThat(RecordTraces.context(record)).isSameAs(Context.root());
        record.headers().add(Traces.HEADER, FIRST.getBytes(StandardCharsets.UTF_8));
        record.headers().add(Traces.HEADER, LAST.getBytes(StandardCharsets.UTF_8));
        try (Scope ignored = RecordTraces.resume(record)) {
            assertThat(Traces.current()).isEqualTo(LAST);
        }
        assertThat(Traces.current()).isNull();
    }
}
