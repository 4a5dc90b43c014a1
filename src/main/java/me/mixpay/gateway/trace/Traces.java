package me.mixpay.gateway.trace;

import jakarta.inject.Singleton;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

/**
 * Where a request's trace begins: the span Quarkus' Vert.x instrumentation opened for the request, read
 * while the request's own context is current, and kept with the exchange, so the gateway's own steps
 * (budget waits, retries on timers) find it whatever thread or context they run on.
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class Traces {

    private final Tracer tracer;

    Traces(Tracer tracer) {
        this.tracer = tracer;
    }

    /** The current request's trace, or {@link RequestTrace#OFF} when tracing is off. */
    public RequestTrace begin() {
        Span span = Span.current();
        return span.getSpanContext().isValid() ? new RequestTrace(span, tracer) : RequestTrace.OFF;
    }
}
