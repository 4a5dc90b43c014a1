package me.mixpay.gateway.proxy;

import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import me.mixpay.gateway.budget.Priority;
import me.mixpay.gateway.trace.RequestTrace;

/**
 * One merchant request on its way through the gateway: what will be sent upstream (identical for every
 * attempt) and what the attempts have found so far.
 */
public final class ProxyExchange {

    private final String requestId;
    private final HttpMethod method;
    private final String pathAndQuery;
    /** Cut once: the route match, the cache, the metrics and the access log all read it. */
    private final String path;
    private final MultiMap upstreamHeaders;
    /** Replaced at most once, before the first attempt ({@link #rewriteBody}); every attempt sends the same bytes. */
    private volatile Buffer body;
    private final long startNanos;
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile String route = "none";
    private volatile String merchant = "anonymous";
    private volatile ResendCheck resendCheck;
    /** The budget class this request is served in, when not its route group's. */
    private volatile Priority priority;
    /** Written under this exchange's lock, with {@link #answered}: once the request is answered, it stays as it was. */
    private volatile boolean unsettled;
    /** Guarded by this exchange's lock. */
    private boolean answered;
    private volatile RequestTrace trace = RequestTrace.OFF;

    public ProxyExchange(String requestId, HttpMethod method, String pathAndQuery, MultiMap upstreamHeaders,
            Buffer body, long startNanos) {
        this.requestId = requestId;
        this.method = method;
        this.pathAndQuery = pathAndQuery;
        this.path = withoutQuery(pathAndQuery);
        this.upstreamHeaders = upstreamHeaders;
        this.body = body;
        this.startNanos = startNanos;
    }

    /**
     * The same request, sent again on the gateway's own behalf (a cache refreshing an entry in the
     * background): same target, headers and merchant, its own id and clock.
     */
    public ProxyExchange sibling(String requestIdSuffix) {
        String id = requestId + requestIdSuffix;
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(upstreamHeaders).set(RequestIds.HEADER, id);
        ProxyExchange sibling = new ProxyExchange(id, method, pathAndQuery, headers, body, System.nanoTime());
        sibling.merchant(merchant);
        return sibling;
    }

    /** A request header as the merchant sent it (hop-by-hop and gateway credentials already removed). */
    public String header(CharSequence name) {
        return upstreamHeaders.get(name);
    }

    public String requestId() {
        return requestId;
    }

    public HttpMethod method() {
        return method;
    }

    /** The request target as the merchant sent it, already screened: {@code /v1/...?query}. */
    public String pathAndQuery() {
        return pathAndQuery;
    }

    /** The path without the query string, which may carry secrets and is never logged. */
    public String path() {
        return path;
    }

    /** A request target's path: logs and metrics never see the query, which may carry signatures. */
    static String withoutQuery(String target) {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    MultiMap upstreamHeaders() {
        return upstreamHeaders;
    }

    /** The request body, or null when the merchant sent none. */
    public Buffer body() {
        return body;
    }

    /**
     * Sends other bytes than the merchant's, with the same content type: the gateway's callback URL in a
     * creation (docs/callbacks.md). Only before the first attempt, after the request's key and fingerprint
     * were taken from the merchant's own bytes, so a resend still replays.
     */
    public void rewriteBody(Buffer rewritten) {
        if (attempts.get() > 0) {
            throw new IllegalStateException("a request's body cannot change once an attempt has been sent");
        }
        this.body = rewritten;
    }

    public long startNanos() {
        return startNanos;
    }

    /**
     * Starts one more upstream attempt: counts it and marks the request unsettled (unknown from the moment
     * it leaves until MixPay's answer says otherwise). Refused, with nothing counted, once the request has
     * been answered: SmallRye's guards do not cancel what the request's deadline abandons, so a retry
     * backing off or asking MixPay goes on after the merchant has been answered. A creation it sent then
     * would race the merchant's own resend of it, each told "no such payment" by MixPay, and both sent.
     */
    public synchronized boolean startAttempt() {
        if (answered) {
            return false;
        }
        attempts.incrementAndGet();
        unsettled = true;
        return true;
    }

    /**
     * The request has its answer: MixPay's reply ({@code replied}), which settles it, or a failure, which
     * leaves it as its attempts did. No attempt starts after this, and {@link #unsettled()} no longer
     * changes, whatever an attempt still running finds later: it is what the key of a creation keeps for
     * the merchant's resend.
     */
    public synchronized void answered(boolean replied) {
        if (replied) {
            unsettled = false;
        }
        answered = true;
    }

    public synchronized boolean isAnswered() {
        return answered;
    }

    /** The route group that handled the request, once the forwarder has chosen it. */
    /** The request's trace ({@link RequestTrace#OFF} with tracing off, and for the gateway's own siblings). */
    public RequestTrace trace() {
        return trace;
    }

    public void trace(RequestTrace trace) {
        this.trace = trace;
    }

    public String route() {
        return route;
    }

    public void route(String name) {
        this.route = name;
    }

    /** The budget class to serve this request in: its group's unless something raised it. */
    public Priority priorityOr(Priority groupPriority) {
        Priority raised = priority;
        return raised == null ? groupPriority : raised;
    }

    /** Serves this request in another budget class than its group's (see the caller for why). */
    public void priority(Priority priority) {
        this.priority = priority;
    }

    /** Who sent the request, as authenticated by the gateway key. */
    public String merchant() {
        return merchant;
    }

    void merchant(String id) {
        this.merchant = id;
    }

    public int attempts() {
        return attempts.get();
    }

    /**
     * What must be asked before this request is sent again after an attempt that may have reached MixPay;
     * null (the default) means such a request is never resent. Only a keyed payment creation has one.
     */
    public ResendCheck resendCheck() {
        return resendCheck;
    }

    public void resendCheck(ResendCheck check) {
        this.resendCheck = check;
    }

    /**
     * True while the latest attempt may have reached MixPay without a definitive answer (a reset after
     * sending, a timeout, a transient error): whether it acted is unknown until someone asks it.
     */
    public boolean unsettled() {
        return unsettled;
    }

    /** Ignored once the request has been answered ({@link #answered(boolean)}). */
    public synchronized void unsettled(boolean unknown) {
        if (!answered) {
            this.unsettled = unknown;
        }
    }
}
