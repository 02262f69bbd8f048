package dev.pledge.common.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.pledge.common.tracing.Traces;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * The trace a consumed record belongs to. The connector traces the delivery itself but does not leave it
 * current in the handler, so a handler resumes the record's trace to have what it writes (outbox rows,
 * timeline entries) carry it on.
 */
public final class RecordTraces {
    private RecordTraces() {
    }

    /** The context of the record's last traceparent header; the root context when it has none. */
    public static Context context(ConsumerRecord<?, ?> record) {
        Header header = record.headers() == null ? null : record.headers().lastHeader(Traces.HEADER);
        return header == null || header.value() == null ? Context.root()
                : Traces.context(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** Makes the record's trace current until the scope is closed. */
    public static Scope resume(ConsumerRecord<?, ?> record) {
        return context(record).makeCurrent();
    }
}
