package me.mixpay.gateway.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Spans kept in memory for the tests that switch tracing on ({@code TracingTest}); with tracing off, as
 * in every other test, nothing reaches it.
 */
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter spans() {
        return InMemorySpanExporter.create();
    }

    /** The server span of {@code traceId}, once the batch processor has handed it over. */
    public static SpanData awaitServerSpan(InMemorySpanExporter spans, String traceId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.SERVER && span.getTraceId().equals(traceId)).findFirst().orElse(null),
                span -> span != null);
    }

    /** The client spans of {@code server}'s trace so far, in the order they started. */
    public static List<SpanData> clientSpans(InMemorySpanExporter spans, SpanData server) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.CLIENT && span.getTraceId().equals(server.getTraceId()))
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }
}
