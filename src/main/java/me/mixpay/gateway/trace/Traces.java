package me.mixpay.gateway.trace;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Where a request's trace begins: the gateway opens the server span of every request on the merchant
 * port itself, as its first route runs, and ends it when the reply has been written. Quarkus' Vert.x
 * HTTP instrumentation did the same with its semantic-convention extractors, and cost a fifth of the
 * throughput even with nothing sampled (docs/observability.md, "Tracing"). The trace is kept on
 * the routing context and then with the exchange, so the gateway's own steps (budget waits, retries on
 * timers) find it whatever thread or context they run on.
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class Traces {

    static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final String KEY = "mixpay.gateway.trace";
    private static final String CALLBACKS = "/callbacks/";
    /** Past the longest request ({@code timeout.overall}, 25 s): a hung-up request's span ends by then at the latest. */
    private static final long ABANDONED_SPAN_MILLIS = 30_000;

    private static final TextMapGetter<MultiMap> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap headers) {
            return headers.names();
        }

        @Override
        public String get(MultiMap headers, String name) {
            return headers == null ? null : headers.get(name);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean on;

    Traces(Tracer tracer, OpenTelemetry openTelemetry, @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean disabled) {
        this.tracer = tracer;
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.on = !disabled;
    }

    /**
     * The path as a span or the access log records it. A callback's path holds its payment's ref and token,
     * the credential MixPay posts with: spans leave the gateway for a collector, logs for a log store.
     */
    public static String recordedPath(String path) {
        if (path == null || !path.startsWith(CALLBACKS)) {
            return path;
        }
        int kind = path.indexOf('/', CALLBACKS.length());
        return (kind < 0 ? path : path.substring(0, kind + 1)) + "{credential}";
    }

    /**
     * Opens the request's server span, continuing the merchant's W3C trace, and ends it with the reply's
     * status; {@link RequestTrace#OFF} when tracing is off. The span is named by method alone until the
     * route group is known ({@link RequestTrace#name}): never the raw path.
     */
    public RequestTrace begin(RoutingContext rc) {
        if (!on) {
            return RequestTrace.OFF;
        }
        HttpServerRequest request = rc.request();
        String method = RequestTrace.method(request.method().name());
        Context parent = propagator.extract(Context.root(), request.headers(), HEADERS);
        Span server = tracer.spanBuilder(RequestTrace.spanName(method)).setSpanKind(SpanKind.SERVER).setParent(parent)
                .setAttribute(RequestTrace.METHOD, method).setAttribute(PATH, recordedPath(request.path())).startSpan();
        if (!server.isRecording()) {
            // Not sampled (by the merchant's trace or the ratio): nothing of this trace is kept, so the
            // gateway takes no part in it and MixPay gets the merchant's own trace headers, as with tracing
            // off. Client spans and attributes that go nowhere would cost every such request.
            return RequestTrace.OFF;
        }
        RequestTrace trace = new RequestTrace(server, tracer, method);
        rc.put(KEY, trace);
        rc.addEndHandler(ended -> {
            if (rc.response().ended()) {
                trace.end(rc.response().getStatusCode());
            } else {
                // The merchant hung up: the span waits for the gateway's decisions, bounded by the longest request.
                trace.end(0);
                rc.vertx().setTimer(ABANDONED_SPAN_MILLIS, late -> trace.endAbandoned());
            }
        });
        return trace;
    }

    /**
     * The client span of one try at relaying a callback to a merchant, with its W3C headers put in
     * {@code headers}: a trace of its own, as the relay works apart from any request, linked to the
     * creation's ({@code creationTrace}, when one was kept). {@link RequestTrace.Attempt#NONE} when
     * tracing is off.
     */
    public RequestTrace.Attempt delivery(String host, MultiMap headers, String creationTrace) {
        if (!on) {
            return RequestTrace.Attempt.NONE;
        }
        RequestTrace.Attempt attempt = RequestTrace.clientSpan(tracer, Context.root(), "POST", host, headers);
        attempt.linkTo(creationTrace);
        return attempt;
    }

    /** The trace {@link #begin} opened for this request, or {@link RequestTrace#OFF}. */
    public static RequestTrace of(RoutingContext rc) {
        RequestTrace trace = rc.get(KEY);
        return trace == null ? RequestTrace.OFF : trace;
    }
}
