package dev.pledge.common.tracing;

import java.util.Map;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The W3C trace context of an order, kept as text where work outlives a request: in the coordinator's log
 * (recovery finishes a transaction in the trace that began it), in every outbox row (the relay publishes
 * each record in the trace of the change that wrote it) and in Kafka headers (a consumer carries it into
 * the rows it writes). So one order is one trace, across HTTP calls, Kafka records, delays and restarts.
 */
public final class Traces {
    /** The W3C Trace Context header, on HTTP requests and Kafka records alike. */
    public static final String HEADER = "traceparent";

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private Traces() {
    }

    /** The traceparent of the span current on this thread, or null when there is none. */
    public static String current() {
        return traceparent(Context.current());
    }

    /** The traceparent naming the span of {@code context}, or null when it holds no valid span. */
    public static String traceparent(Context context) {
        SpanContext span = Span.fromContext(context).getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** The context a stored traceparent names, as a remote parent; the root context for null or malformed text. */
    public static Context context(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(HEADER, traceparent), MAP);
    }

    /** The trace id in a traceparent (32 hex digits), or null when there is none. */
    public static String traceId(String traceparent) {
        SpanContext span = Span.fromContext(context(traceparent)).getSpanContext();
        return span.isValid() ? span.getTraceId() : null;
    }
}
