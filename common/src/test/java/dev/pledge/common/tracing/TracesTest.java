package dev.pledge.common.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

class TracesTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";
    private static final String PARENT = "00-" + TRACE + "-" + SPAN + "-01";

    @Test
    void aStoredTraceparentBecomesTheSameSpanContextAgain() {
        Context context = Traces.context(PARENT);
        SpanContext span = Span.fromContext(context).getSpanContext();
        assertThat(span.getTraceId()).isEqualTo(TRACE);
        assertThat(span.getSpanId()).isEqualTo(SPAN);
        assertThat(span.isSampled()).isTrue();
        assertThat(span.isRemote()).isTrue();
        assertThat(Traces.traceparent(context)).isEqualTo(PARENT);
    }

    @Test
    void theCurrentSpanIsWhatGetsStored() {
        SpanContext unsampled = SpanContext.create(TRACE, SPAN, TraceFlags.getDefault(), TraceState.getDefault());
        assertThat(Traces.current()).isNull();
        try (Scope ignored = Context.root().with(Span.wrap(unsampled)).makeCurrent()) {
            assertThat(Traces.current()).isEqualTo("00-" + TRACE + "-" + SPAN + "-00");
        }
        assertThat(Traces.current()).isNull();
    }

    @Test
    void nothingOrNonsenseIsTheRootContext() {
        assertThat(Traces.context((String) null)).isSameAs(Context.root());
        assertThat(Traces.traceparent(Traces.context("00-zz-00f067aa0ba902b7-01"))).isNull();
        assertThat(Traces.traceparent(Traces.context("00-" + "0".repeat(32) + "-" + SPAN + "-01"))).isNull();
        assertThat(Traces.traceId("not a traceparent")).isNull();
        assertThat(Traces.traceId(PARENT)).isEqualTo(TRACE);
    }
}
