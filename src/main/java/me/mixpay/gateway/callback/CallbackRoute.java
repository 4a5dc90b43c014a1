package me.mixpay.gateway.callback;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.envelope.GatewayException;
import me.mixpay.gateway.proxy.ExchangeListeners;
import me.mixpay.gateway.proxy.ReplyWriter;
import me.mixpay.gateway.proxy.RequestBodyReader;
import me.mixpay.gateway.proxy.RequestIds;
import me.mixpay.gateway.trace.RequestTrace;
import me.mixpay.gateway.trace.Traces;

/**
 * {@code POST /callbacks/mixpay/<ref>/<token>} on the merchant port, where MixPay's callbacks arrive
 * through the ingress. No merchant key applies (MixPay has none): the token is the credential. MixPay is
 * answered {@code {"code": "SUCCESS"}} once the verified outcome is recorded, and the gateway's envelope
 * otherwise, whose {@code code} is not {@code SUCCESS}, so MixPay tries again on its schedule.
 */
@ApplicationScoped
public class CallbackRoute {

    private static final Logger LOG = Logger.getLogger(CallbackRoute.class);
    private static final Buffer SUCCESS = new JsonObject().put("code", "SUCCESS").toBuffer();
    private static final long BODY_TIMEOUT_MILLIS = 5_000;

    private final CallbackSetup setup;
    private final CallbackReceiver receiver;
    private final long maxBodyBytes;
    private final ExchangeListeners listeners;

    CallbackRoute(CallbackSetup setup, CallbackReceiver receiver, CallbackConfig config, ExchangeListeners listeners) {
        this.setup = setup;
        this.receiver = receiver;
        this.maxBodyBytes = config.maxBodySize().asLongValue();
        this.listeners = listeners;
    }

    void register(@Observes Router router) {
        if (setup.enabled()) {
            router.route(CallbackUrls.PATH + "*").handler(this::receive);
        }
    }

    private void receive(RoutingContext rc) {
        long started = System.nanoTime();
        HttpServerRequest request = rc.request();
        String requestId = RequestIds.of(request.getHeader(RequestIds.HEADER));
        RequestTrace trace = Traces.of(rc);
        if (!HttpMethod.POST.equals(request.method())) {
            fail(rc, requestId, new GatewayException(GatewayError.METHOD_NOT_ALLOWED, "MixPay's callbacks are POSTs"), started, trace);
            return;
        }
        String[] parts = request.path().substring(CallbackUrls.PATH.length()).split("/", -1);
        String ref = parts.length == 2 ? parts[0] : null;
        String token = parts.length == 2 ? parts[1] : null;
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        trace.name("callback");
        RequestBodyReader.read(request, maxBodyBytes, rc.vertx(), BODY_TIMEOUT_MILLIS).onComplete(read -> {
            if (read.failed()) {
                fail(rc, requestId, new GatewayException(read.cause() instanceof RequestBodyReader.TooLarge
                        ? GatewayError.REQUEST_BODY_TOO_LARGE : GatewayError.BAD_REQUEST, "the callback body could not be read"), started, trace);
                return;
            }
            receiver.receive(ref, token, read.result(), request.getHeader(HttpHeaders.CONTENT_TYPE), peer, requestId, trace)
                    .subscribe().with(receipt -> {
                        if (receipt.accepted()) {
                            rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                                    .putHeader(RequestIds.HEADER, requestId).end(SUCCESS);
                            answered(rc, requestId, 200, null, started, trace);
                        } else {
                            fail(rc, requestId, new GatewayException(receipt.error(), receipt.detail()), started, trace);
                        }
                    }, failure -> {
                        LOG.errorf(failure, "callback request %s failed unexpectedly", requestId);
                        fail(rc, requestId, new GatewayException(GatewayError.INTERNAL,
                                "the callback could not be handled; see the gateway's log"), started, trace);
                    });
        });
    }

    private void fail(RoutingContext rc, String requestId, GatewayException failure, long started, RequestTrace trace) {
        ReplyWriter.fail(rc.response(), requestId, failure, MultiMap.caseInsensitiveMultiMap());
        answered(rc, requestId, failure.error().status(), failure.error(), started, trace);
    }

    /** Every post is told to the listeners (the access log's line among them), whatever its answer. */
    private void answered(RoutingContext rc, String requestId, int status, GatewayError error, long started, RequestTrace trace) {
        long took = System.nanoTime() - started;
        String method = rc.request().method().name();
        listeners.tell(listener -> listener.callback(requestId, method, status, error, took, trace));
    }
}
