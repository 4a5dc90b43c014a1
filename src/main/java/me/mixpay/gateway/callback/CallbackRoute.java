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

    CallbackRoute(CallbackSetup setup, CallbackReceiver receiver, CallbackConfig config) {
        this.setup = setup;
        this.receiver = receiver;
        this.maxBodyBytes = config.maxBodySize().asLongValue();
    }

    void register(@Observes Router router) {
        if (setup.enabled()) {
            router.route(CallbackUrls.PATH + "*").handler(this::receive);
        }
    }

    private void receive(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String requestId = RequestIds.of(request.getHeader(RequestIds.HEADER));
        if (!HttpMethod.POST.equals(request.method())) {
            fail(rc, requestId, new GatewayException(GatewayError.METHOD_NOT_ALLOWED, "MixPay's callbacks are POSTs"));
            return;
        }
        String[] parts = request.path().substring(CallbackUrls.PATH.length()).split("/", -1);
        String ref = parts.length == 2 ? parts[0] : null;
        String token = parts.length == 2 ? parts[1] : null;
        String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        RequestTrace trace = Traces.of(rc);
        trace.name("callback");
        RequestBodyReader.read(request, maxBodyBytes, rc.vertx(), BODY_TIMEOUT_MILLIS).onComplete(read -> {
            if (read.failed()) {
                fail(rc, requestId, new GatewayException(read.cause() instanceof RequestBodyReader.TooLarge
                        ? GatewayError.REQUEST_BODY_TOO_LARGE : GatewayError.BAD_REQUEST, "the callback body could not be read"));
                return;
            }
            receiver.receive(ref, token, read.result(), request.getHeader(HttpHeaders.CONTENT_TYPE), peer, requestId, trace)
                    .subscribe().with(receipt -> {
                        if (receipt.accepted()) {
                            rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                                    .putHeader(RequestIds.HEADER, requestId).end(SUCCESS);
                        } else {
                            fail(rc, requestId, new GatewayException(receipt.error(), receipt.detail()));
                        }
                    }, failure -> {
                        LOG.errorf(failure, "callback request %s failed unexpectedly", requestId);
                        fail(rc, requestId, new GatewayException(GatewayError.INTERNAL,
                                "the callback could not be handled; see the gateway's log"));
                    });
        });
    }

    private static void fail(RoutingContext rc, String requestId, GatewayException failure) {
        ReplyWriter.fail(rc.response(), requestId, failure, MultiMap.caseInsensitiveMultiMap());
    }
}
