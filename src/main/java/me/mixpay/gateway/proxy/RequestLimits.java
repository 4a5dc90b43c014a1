package me.mixpay.gateway.proxy;

import java.util.Map;

import io.vertx.core.http.HttpServerRequest;

import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.envelope.GatewayError;

/**
 * Size limits on what a merchant sends, checked before anything else is done with the request, each
 * refused with its own status and an envelope. Netty's own limits (quarkus.http.limits.*) are set
 * higher and stay as a backstop for requests too large to parse at all.
 */
final class RequestLimits {

    private final int maxUriLength;
    private final int maxHeaders;
    private final long maxHeaderBytes;

    RequestLimits(GatewayConfig.Limits limits) {
        this.maxUriLength = limits.maxUriLength();
        this.maxHeaders = limits.maxHeaders();
        this.maxHeaderBytes = limits.maxHeaderSize().asLongValue();
    }

    Refusal screen(HttpServerRequest request) {
        if (request.uri() != null && request.uri().length() > maxUriLength) {
            return new Refusal(GatewayError.URI_TOO_LONG, "the request target is longer than " + maxUriLength + " characters");
        }
        if (request.headers().size() > maxHeaders) {
            return new Refusal(GatewayError.HEADERS_TOO_LARGE, "more than " + maxHeaders + " request headers");
        }
        long bytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            bytes += header.getKey().length() + header.getValue().length() + 4; // ": " and CRLF
        }
        if (bytes > maxHeaderBytes) {
            return new Refusal(GatewayError.HEADERS_TOO_LARGE, "request headers larger than " + maxHeaderBytes + " bytes");
        }
        return null;
    }
}
