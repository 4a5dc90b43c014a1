package me.mixpay.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;

import me.mixpay.gateway.catalog.ErrorCatalog;
import me.mixpay.gateway.envelope.GatewayEnvelope;
import me.mixpay.gateway.envelope.GatewayException;
import me.mixpay.gateway.envelope.Inspection;

/** Writes the one reply every merchant request gets: MixPay's, relayed, or the gateway's own. */
public final class ReplyWriter {

    // Header names as Netty AsciiStrings, whose case-insensitive hash a header map computes once, not per lookup.
    static final CharSequence MIXPAY_CODE = HttpHeaders.createOptimized("X-MixPay-Code");
    static final CharSequence MIXPAY_CATEGORY = HttpHeaders.createOptimized("X-MixPay-Category");
    static final CharSequence GATEWAY_ERROR = HttpHeaders.createOptimized("X-Gateway-Error");

    private ReplyWriter() {
    }

    /**
     * Relays MixPay's reply unchanged but for hop-by-hop headers, adding what the gateway learnt. The caller
     * has just seen that the response is not closed (each check takes the connection's lock).
     */
    static void relay(HttpServerResponse response, HttpMethod method, String requestId, UpstreamReply reply,
            MultiMap gatewayHeaders) {
        if (response.ended()) {
            return;
        }
        response.setStatusCode(reply.status());
        MultiMap headers = response.headers();
        headers.addAll(reply.headers());
        if (!HttpMethod.HEAD.equals(method)) {
            // Vert.x sets the length of the body actually written; a HEAD reply keeps MixPay's.
            headers.remove(HttpHeaders.CONTENT_LENGTH);
        }
        Inspection inspection = reply.inspection();
        headers.set(RequestIds.HEADER, requestId);
        headers.set(MIXPAY_CODE, inspection.codeLabel());
        headers.set(MIXPAY_CATEGORY, inspection.category().label());
        headers.addAll(gatewayHeaders);
        response.end(reply.body());
    }

    /** Answers with the gateway's own envelope. */
    public static void fail(HttpServerResponse response, String requestId, GatewayException failure, MultiMap gatewayHeaders) {
        if (response.ended() || response.closed()) {
            return;
        }
        String message = failure.mixpayMessage() != null ? failure.mixpayMessage()
                : ErrorCatalog.mixpay().message((int) failure.code());
        byte[] envelope = GatewayEnvelope.render(failure.code(), message, failure.error(), failure.getMessage(), requestId);
        response.setStatusCode(failure.error().status());
        MultiMap headers = response.headers();
        headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        headers.set(RequestIds.HEADER, requestId);
        headers.set(GATEWAY_ERROR, failure.error().reason());
        if (failure.retryAfterSeconds() > 0) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(failure.retryAfterSeconds()));
        }
        headers.addAll(gatewayHeaders);
        response.end(Buffer.buffer(envelope));
    }
}
