package me.mixpay.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * Reads a merchant's request body whole, refusing it as soon as it passes the size limit. The body is
 * kept because a retried attempt must send exactly the same bytes.
 */
public final class RequestBodyReader {

    /** The body was over the limit; carries nothing about the body itself. */
    public static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("request body over the limit", null, false, false);
        }
    }

    /** The merchant did not finish sending the body in time (a slow-body attack, or a stalled client). */
    public static final class TooSlow extends RuntimeException {
        TooSlow() {
            super("request body not received in time", null, false, false);
        }
    }

    private RequestBodyReader() {
    }

    /** Completes with the body, or with null when the request carries none. */
    public static Future<Buffer> read(HttpServerRequest request, long maxBytes, Vertx vertx, long timeoutMillis) {
        String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        long declaredLength = declared != null ? parseLength(declared) : -1;
        if (declaredLength > maxBytes) {
            return Future.failedFuture(new TooLarge());
        }
        boolean hasBody = declared != null ? declaredLength > 0 : request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        if (request.isEnded()) {
            return Future.succeededFuture(null);
        }
        Promise<Buffer> result = Promise.promise();
        Buffer body = Buffer.buffer();
        // An HTTP/1 request that declares no body ended with its headers: its end is already decoded and
        // only waits for the route to resume the request, so there is nothing to time. A timer set and
        // cancelled for each such request (most MixPay calls are GETs) was pure cost.
        if (hasBody || request.version() == HttpVersion.HTTP_2) {
            long deadline = vertx.setTimer(timeoutMillis, fired -> result.tryFail(new TooSlow()));
            result.future().onComplete(done -> vertx.cancelTimer(deadline));
        }
        request.handler(chunk -> {
            if (result.future().isComplete()) {
                return;
            }
            if (body.length() + (long) chunk.length() > maxBytes) {
                result.tryFail(new TooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(result::tryFail);
        request.endHandler(done -> result.tryComplete(hasBody || body.length() > 0 ? body : null));
        request.resume();
        return result.future();
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException malformed) {
            // Netty already refuses a malformed Content-Length; treat a surprise as "too large" to be safe.
            return Long.MAX_VALUE;
        }
    }
}
