package me.mixpay.gateway.support;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

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
}
