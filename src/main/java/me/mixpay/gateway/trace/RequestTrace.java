package me.mixpay.gateway.trace;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;

import me.mixpay.gateway.budget.BudgetExhausted;
import me.mixpay.gateway.budget.BudgetMeters;

/**
 * One request's trace: the server span {@link Traces} opened for it, what the gateway decided (as
 * attributes and events on it), and a client span per MixPay attempt under it. {@link #OFF} when
 * tracing is off: every method then does nothing, and MixPay gets the merchant's own trace headers.
 */
public final class RequestTrace {

    public static final RequestTrace OFF = new RequestTrace(null, null, null);
    private static final String OTHER_METHOD = "_OTHER";

    static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");
    static final AttributeKey<String> MIXPAY_CODE = AttributeKey.stringKey("mixpay.code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final String CANCELLED = "cancelled";
    static final AttributeKey<String> GATEWAY_ERROR = AttributeKey.stringKey("gateway.error");
    private static final AttributeKey<Double> WAIT_MS = AttributeKey.doubleKey("budget.wait_ms");
    private static final AttributeKey<String> WAIT_REASON = AttributeKey.stringKey("budget.wait_reason");

    private final Span server;
    private final Tracer tracer;
    private final String method;
    private volatile boolean abandoned;
    private final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();

    RequestTrace(Span server, Tracer tracer, String method) {
        this.server = server;
        this.tracer = tracer;
        this.method = method;
    }

    public boolean on() {
        return server != null;
    }

    /** The server span, for links to it; invalid when tracing is off. */
    public Span span() {
        return on() ? server : Span.getInvalid();
    }

    /** The trace id for the access log, or null when tracing is off. */
    public String traceId() {
        return on() ? server.getSpanContext().getTraceId() : null;
    }

    public String spanId() {
        return on() ? server.getSpanContext().getSpanId() : null;
    }

    /** The server span as a W3C {@code traceparent}, kept with a creation so its callback links to it; null when off. */
    public String traceparent() {
        if (!on()) {
            return null;
        }
        SpanContext context = server.getSpanContext();
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    /**
     * Links {@code span} (a MixPay callback's) to the creation whose {@link #traceparent} was kept: the
     * callback is MixPay's answer to that request, in another trace. Nothing when either is missing.
     */
    public static void link(Span span, String creationTraceparent) {
        if (creationTraceparent == null || !span.getSpanContext().isValid()) {
            return;
        }
        String[] parts = creationTraceparent.split("-");
        if (parts.length != 4) {
            return;
        }
        SpanContext creation = SpanContext.createFromRemoteParent(parts[1], parts[2], TraceFlags.fromHex(parts[3], 0), TraceState.getDefault());
        if (creation.isValid()) {
            span.addLink(creation, Attributes.of(AttributeKey.stringKey("link.kind"), "creation"));
            span.setAttribute("mixpay.creation_trace_id", creation.getTraceId());
        }
    }

    /** A wait for MixPay budget, with why there was none: {@code window_full}, {@code mixpay_pause} or {@code local_share}. */
    public void budgetWait(long nanos, String reason) {
        if (on()) {
            server.addEvent("budget.wait", Attributes.of(WAIT_MS, nanos / 1_000_000.0, WAIT_REASON, reason));
        }
    }

    /**
     * {@code call}, a wait for one MixPay call from the budget, with the wait as an event ({@link #budgetWait})
     * or its refusal ({@link BudgetExhausted}) as {@code budget.refused}, with the budget's {@code shortage}
     * read when it was asked. A call withdrawn because its request was {@code answered} meanwhile is neither.
     */
    public Uni<Void> budgetCall(Uni<Void> call, Supplier<String> shortage, BooleanSupplier answered) {
        if (!on()) {
            return call;
        }
        long asked = System.nanoTime();
        String reason = shortage.get();
        return call.onItemOrFailure().invoke((granted, refused) -> {
            long waited = System.nanoTime() - asked;
            if (refused instanceof BudgetExhausted && !answered.getAsBoolean()) {
                event("budget.refused", "budget.wait_reason", reason);
            } else if (refused == null && waited >= BudgetMeters.WAITED_NANOS) {
                budgetWait(waited, reason);
            }
        });
    }

    /** An event on the server span, such as a reconciliation with MixPay's look-ups. */
    public void event(String name, String key, String value) {
        if (on()) {
            server.addEvent(name, Attributes.of(AttributeKey.stringKey(key), value));
        }
    }

    /** An attribute of the server span; nothing when {@code value} is null. Keys are constants: built once, hashed once. */
    public void attribute(AttributeKey<String> key, String value) {
        if (on() && value != null) {
            server.setAttribute(key, value);
        }
    }

    public void attribute(AttributeKey<Long> key, long value) {
        if (on()) {
            server.setAttribute(key, value);
        }
    }

    /** The request ended in an error the gateway answered itself. */
    public void failed() {
        if (on()) {
            server.setStatus(StatusCode.ERROR);
        }
    }

    /** Names the server span by method and route group (or {@code refused}, {@code callback}): a bounded name, never the raw path. */
    public void name(String group) {
        if (on()) {
            server.updateName(spanName(method) + " " + group);
        }
    }

    /**
     * The method as OpenTelemetry's HTTP conventions record it: a method HTTP defines as itself, any other
     * token as {@code _OTHER}. Vert.x accepts any token, and a span's name must stay one of a few.
     */
    public static String method(String raw) {
        return switch (raw) {
            case "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" -> raw;
            default -> OTHER_METHOD;
        };
    }

    /** A span's name for a method from {@link #method}: {@code HTTP} for {@code _OTHER}, as the conventions say. */
    static String spanName(String method) {
        return OTHER_METHOD.equals(method) ? "HTTP" : method;
    }

    /** A request the gateway refused before any route group saw it. */
    public void refused(String reason, boolean serverError) {
        if (on()) {
            name("refused");
            server.setAttribute(GATEWAY_ERROR, reason);
            if (serverError) {
                server.setStatus(StatusCode.ERROR);
            }
        }
    }

    /**
     * Ends the server span once the reply is written: a 5xx is an error, a 4xx the caller's. When the merchant's
     * connection closed first (status 0) the gateway's work goes on, and what it decides is recorded by
     * {@link #decided()}: the span ends there, or at the latest when {@link #endAbandoned()} is called.
     */
    void end(int status) {
        if (status == 0) {
            server.setAttribute(ERROR_TYPE, "merchant_disconnected");
            abandoned = true;
            return;
        }
        server.setAttribute(STATUS, (long) status);
        if (status >= 500) {
            server.setStatus(StatusCode.ERROR);
        }
        endOnce();
    }

    /** The gateway's decisions are recorded: a request whose merchant hung up ends its span now. */
    public void decided() {
        if (on() && abandoned) {
            endOnce();
        }
    }

    /** For a request whose merchant hung up and whose decisions never came (a bound, not the usual way). */
    void endAbandoned() {
        endOnce();
    }

    private void endOnce() {
        if (ended.compareAndSet(false, true)) {
            server.end();
        }
    }

    /**
     * Starts the client span of one attempt (resend count 0 for the first) and puts its W3C headers in
     * {@code headers}, in place of the merchant's: MixPay's side of the trace hangs under the attempt.
     */
    public Attempt attempt(String method, String host, int resendCount, MultiMap headers) {
        if (!on()) {
            return Attempt.NONE;
        }
        Attempt attempt = clientSpan(tracer, Context.root().with(server), method, host, headers);
        if (resendCount > 0) {
            attempt.span.setAttribute(RESEND_COUNT, (long) resendCount);
        }
        return attempt;
    }

    /**
     * A client span under {@code parent} (the root context: a trace of its own), with its W3C headers in
     * place of any in {@code headers}: the next hop's side of the trace hangs under it.
     */
    static Attempt clientSpan(Tracer tracer, Context parent, String method, String host, MultiMap headers) {
        String known = method(method);
        Span client = tracer.spanBuilder(spanName(known)).setSpanKind(SpanKind.CLIENT).setParent(parent)
                .setAttribute(METHOD, known).setAttribute(SERVER, host).startSpan();
        headers.remove("traceparent");
        headers.remove("tracestate");
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(client), headers, MultiMap::set);
        return new Attempt(client);
    }

    /** One attempt's client span; ended with MixPay's status and code, or with the failure. */
    public static final class Attempt {

        public static final Attempt NONE = new Attempt(null);
        private final Span span;

        Attempt(Span span) {
            this.span = span;
        }

        public void replied(int status, String mixpayCode) {
            if (span != null) {
                span.setAttribute(STATUS, (long) status).setAttribute(MIXPAY_CODE, mixpayCode);
                if (status >= 500) {
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
            }
        }

        /** Links this span to the creation whose {@code traceparent} was kept ({@link RequestTrace#link}). */
        void linkTo(String creationTraceparent) {
            if (span != null) {
                link(span, creationTraceparent);
            }
        }

        public void failed(String reason) {
            if (span != null) {
                span.setAttribute(ERROR_TYPE, reason).setStatus(StatusCode.ERROR);
                span.end();
            }
        }

        /**
         * The gateway stopped waiting for the attempt: its deadline passed (the attempt's or the request's),
         * or the answer came another way (a verified callback answered the poll). A span never ended is
         * never exported, and a timed-out attempt is the one an engineer most needs to see.
         */
        public void cancelled() {
            failed(CANCELLED);
        }
    }
}
