package me.mixpay.gateway.proxy;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import me.mixpay.gateway.auth.MerchantGate;
import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.envelope.GatewayException;
import me.mixpay.gateway.trace.RequestTrace;
import me.mixpay.gateway.trace.Traces;

/**
 * The proxy path: every {@code /v1/**} request is screened, read, forwarded to MixPay and answered,
 * without blocking an event-loop thread.
 * <p>
 * It is a plain Vert.x route rather than a JAX-RS resource because a proxy must see the request as it
 * arrived (raw target, every header, any method) and write the reply byte for byte.
 */
@ApplicationScoped
public class ProxyRoute {

    private static final Logger LOG = Logger.getLogger(ProxyRoute.class);

    /** Codings the envelope inspector can read; a merchant asking for others gets identity. */
    private static final java.util.Set<String> READABLE_CODINGS = java.util.Set.of("gzip", "x-gzip", "deflate", "identity");

    private static final long DRAIN_GRACE_MILLIS = 5_000;

    /** Request headers that describe the merchant's hop to the gateway, never sent on ({@link #notForwarded}). */
    private static final String[] NOT_FORWARDED = { "Host", "Content-Length", "Expect", "Forwarded", "X-Forwarded-Host" };

    private final Forwarder forwarder;
    private final DrainSwitch drain;
    private final MerchantGate gate;
    private final RequestLimits limits;
    private final ExchangeListeners listeners;
    private final Traces traces;
    private final long maxBodyBytes;
    private final long bodyTimeoutMillis;

    ProxyRoute(Forwarder forwarder, ExchangeListeners listeners, GatewayConfig config,
            DrainSwitch drain, MerchantGate gate, Traces traces) {
        this.forwarder = forwarder;
        this.traces = traces;
        this.drain = drain;
        this.gate = gate;
        this.limits = new RequestLimits(config.limits());
        this.listeners = listeners;
        this.maxBodyBytes = config.limits().maxBodySize().asLongValue();
        this.bodyTimeoutMillis = config.limits().bodyReadTimeout().toMillis();
    }

    void register(@Observes Router router) {
        // Ahead of every other route, the management and admin ones included: no path is reachable
        // through an absolute-form target or a tunnel.
        router.route().order(-100).handler(this::screenTarget);
        router.route("/v1/*").handler(this::forward);
        // Vert.x answers an authority-form target (CONNECT host:port) with 404 before any route runs;
        // this turns that, and any other unrouted request, into an envelope.
        router.errorHandler(404, this::notFound);
    }

    private void notFound(RoutingContext rc) {
        String requestId = RequestIds.of(rc.request().getHeader(RequestIds.HEADER));
        Refusal refusal = RequestScreen.screenTarget(rc.request());
        if (refusal == null) {
            refusal = new Refusal(GatewayError.NOT_FOUND, "no such path on the gateway; MixPay calls go to /v1/...");
        }
        refuse(rc, requestId, refusal);
    }

    private void screenTarget(RoutingContext rc) {
        traces.begin(rc);
        Refusal refusal = limits.screen(rc.request());
        if (refusal == null) {
            refusal = RequestScreen.screenTarget(rc.request());
        }
        if (refusal == null) {
            rc.next();
            return;
        }
        refuse(rc, RequestIds.of(rc.request().getHeader(RequestIds.HEADER)), refusal);
    }

    private void forward(RoutingContext rc) {
        long start = System.nanoTime();
        HttpServerRequest request = rc.request();
        String requestId = RequestIds.of(request.getHeader(RequestIds.HEADER));
        Refusal refusal = RequestScreen.screenForward(request);
        if (refusal != null) {
            refuse(rc, requestId, refusal);
            return;
        }
        if (drain.draining()) {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.CONNECTION, "close").add(HttpHeaders.RETRY_AFTER, "1");
            refuse(rc, requestId, new Refusal(GatewayError.SHUTTING_DOWN,
                    "this gateway replica is shutting down and forwarded nothing; send the request again"), null, headers);
            return;
        }
        MerchantGate.Admission admission = gate.admit(request);
        if (!admission.admitted()) {
            refuse(rc, requestId, new Refusal(GatewayError.UNAUTHENTICATED, admission.detail()), admission.merchant(),
                    MultiMap.caseInsensitiveMultiMap());
            return;
        }
        Context context = Vertx.currentContext();
        RequestTrace trace = Traces.of(rc);
        RequestBodyReader.read(request, maxBodyBytes, context.owner(), bodyTimeoutMillis).onComplete(read -> {
            if (read.failed()) {
                Refusal unread;
                if (read.cause() instanceof RequestBodyReader.TooLarge) {
                    unread = new Refusal(GatewayError.REQUEST_BODY_TOO_LARGE, "the request body is larger than " + maxBodyBytes + " bytes");
                } else if (read.cause() instanceof RequestBodyReader.TooSlow) {
                    unread = new Refusal(GatewayError.REQUEST_TIMEOUT,
                            "the request body did not arrive within " + bodyTimeoutMillis + " ms");
                } else {
                    unread = new Refusal(GatewayError.BAD_REQUEST, "the request body could not be read");
                }
                MultiMap headers = MultiMap.caseInsensitiveMultiMap();
                if (unread.error() == GatewayError.REQUEST_TIMEOUT) {
                    headers.add(HttpHeaders.CONNECTION, "close");
                }
                refuse(rc, requestId, unread, admission.merchant(), headers);
                if (!request.isEnded() && unread.error() == GatewayError.REQUEST_BODY_TOO_LARGE) {
                    drainThenClose(rc, request);
                }
                return;
            }
            ProxyExchange exchange = new ProxyExchange(requestId, request.method(), request.uri(),
                    upstreamHeaders(request, requestId, gate.header()), read.result(), start);
            exchange.merchant(admission.merchant());
            exchange.trace(trace);
            Uni<Forwarded> forwarded;
            try {
                forwarded = forwarder.forward(exchange);
            } catch (RuntimeException bug) {
                forwarded = Uni.createFrom().failure(bug);
            }
            forwarded.subscribe().with(
                    result -> onRequestContext(context, () -> answer(rc, exchange, result)),
                    failure -> onRequestContext(context,
                            () -> answer(rc, exchange, Forwarded.failed(asGatewayException(failure), MultiMap.caseInsensitiveMultiMap()))));
        });
    }

    /**
     * The reply must be written from the request's own context. It usually arrives there already (the
     * upstream client answers on the event loop that called it), and then an extra task would only
     * cost a trip through the event loop's queue.
     */
    private static void onRequestContext(Context context, Runnable task) {
        if (Vertx.currentContext() == context) {
            task.run();
        } else {
            context.runOnContext(ignored -> task.run());
        }
    }

    /**
     * Lingering close, as nginx does: a merchant still uploading an oversized body would otherwise hit a
     * broken pipe and never read the 413. The rest of the body is discarded; a sender that keeps going
     * past the grace time is cut off.
     */
    private static void drainThenClose(RoutingContext rc, HttpServerRequest request) {
        long cutOff = rc.vertx().setTimer(DRAIN_GRACE_MILLIS, fired -> request.connection().close());
        request.handler(discarded -> {
        });
        request.exceptionHandler(ignored -> rc.vertx().cancelTimer(cutOff));
        request.endHandler(ended -> rc.vertx().cancelTimer(cutOff));
        request.resume();
    }

    private void answer(RoutingContext rc, ProxyExchange exchange, Forwarded result) {
        long duration = System.nanoTime() - exchange.startNanos();
        listeners.tell(listener -> listener.finished(exchange, result, duration));
        if (rc.response().closed()) {
            // The merchant went away; MixPay's answer (which may be a created payment) is still logged.
            LOG.warnf("merchant disconnected before the reply; request %s ended as %s",
                    exchange.requestId(), result.describe());
            return;
        }
        if (result.reply() != null) {
            ReplyWriter.relay(rc.response(), exchange.method(), exchange.requestId(), result.reply(), result.headers());
        } else {
            ReplyWriter.fail(rc.response(), exchange.requestId(), result.failure(), result.headers());
        }
    }

    private static GatewayException asGatewayException(Throwable failure) {
        if (failure instanceof GatewayException known) {
            return known;
        }
        LOG.error("unexpected failure while forwarding", failure);
        return new GatewayException(GatewayError.INTERNAL, "the gateway failed unexpectedly; see its log");
    }

    private void refuse(RoutingContext rc, String requestId, Refusal refusal) {
        refuse(rc, requestId, refusal, null, MultiMap.caseInsensitiveMultiMap());
    }

    /** Answers a request the gateway will not forward, and tells the listeners: nothing goes unrecorded. */
    private void refuse(RoutingContext rc, String requestId, Refusal refusal, String merchant, MultiMap headers) {
        RequestTrace trace = Traces.of(rc);
        trace.refused(refusal.error().reason(), refusal.error().status() >= 500);
        ReplyWriter.fail(rc.response(), requestId, new GatewayException(refusal.error(), refusal.detail()), headers);
        String path = ProxyExchange.withoutQuery(rc.request().uri() == null ? "" : rc.request().uri());
        String method = rc.request().method().name();
        listeners.tell(listener -> listener.refused(requestId, method, path, refusal.error(), merchant, trace));
    }

    /** The merchant's headers as MixPay should see them. */
    static MultiMap upstreamHeaders(HttpServerRequest request, String requestId, String gatewayKeyHeader) {
        MultiMap headers = HopByHopHeaders.copyEndToEnd(request.headers(), MultiMap.caseInsensitiveMultiMap(),
                // The gateway's own credential is for the gateway: MixPay never sees it.
                name -> name.equalsIgnoreCase(gatewayKeyHeader) || notForwarded(name));
        String acceptEncoding = headers.get(HttpHeaders.ACCEPT_ENCODING);
        if (acceptEncoding != null) {
            String readable = readableCodings(acceptEncoding);
            if (readable.isEmpty()) {
                headers.remove(HttpHeaders.ACCEPT_ENCODING);
            } else {
                headers.set(HttpHeaders.ACCEPT_ENCODING, readable);
            }
        }
        headers.set(RequestIds.HEADER, requestId);
        return headers;
    }

    /**
     * The target is the configured upstream whatever the merchant's Host said; lengths are recomputed
     * for the bytes actually sent; 100-continue was already handled with the merchant.
     */
    private static boolean notForwarded(String name) {
        for (String dropped : NOT_FORWARDED) {
            if (dropped.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static String readableCodings(String acceptEncoding) {
        StringBuilder kept = new StringBuilder();
        for (String coding : acceptEncoding.split(",")) {
            String name = coding.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (READABLE_CODINGS.contains(name)) {
                kept.append(kept.length() == 0 ? "" : ", ").append(coding.trim());
            }
        }
        return kept.toString();
    }
}
