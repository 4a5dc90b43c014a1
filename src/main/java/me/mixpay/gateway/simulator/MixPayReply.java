package me.mixpay.gateway.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import me.mixpay.gateway.catalog.ErrorCatalog;

/**
 * Writes an {@link Answer} as MixPay's envelope {@code {code, success, message, data, timestampMs}}; an
 * error's {@code data} is {@code []}, as on the error-codes page. Gzip when asked, so the gateway's
 * decompressing inspection is exercised too.
 */
final class MixPayReply {

    private static final ErrorCatalog CATALOG = ErrorCatalog.mixpay();

    private MixPayReply() {
    }

    static JsonObject envelope(Answer answer) {
        boolean success = answer.code() == 0;
        return new JsonObject()
                .put("code", answer.code())
                .put("success", success)
                .put("message", success ? "" : CATALOG.lookup(answer.code()).map(e -> e.message()).orElse("Unknown error."))
                .put("data", success ? answer.data() : new JsonArray())
                .put("timestampMs", System.currentTimeMillis());
    }

    /** Ends the exchange unless the caller went away meanwhile (a delayed reply to a timed-out gateway). */
    static void write(RoutingContext rc, Answer answer) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            return;
        }
        MultiMap headers = rc.request().headers();
        int status = answer.status();
        String forcedStatus = headers.get("X-Simulate-Status");
        if (forcedStatus != null) {
            try {
                status = Integer.parseInt(forcedStatus.trim());
            } catch (NumberFormatException ignored) {
                // Not a status: keep MixPay's own.
            }
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json");
        String retryAfter = headers.get("X-Simulate-Retry-After");
        if (retryAfter != null) {
            response.putHeader("Retry-After", retryAfter);
        }
        Buffer body = envelope(answer).toBuffer();
        String acceptEncoding = headers.get("Accept-Encoding");
        if (acceptEncoding != null && acceptEncoding.contains("gzip")) {
            response.putHeader("Content-Encoding", "gzip");
            body = Buffer.buffer(gzip(body.getBytes()));
        }
        response.end(body);
    }

    /** The body of a success, for {@code truncate}: the start of a real envelope. */
    static String truncatedStart() {
        return "{\"code\":0,\"success\":true,\"data\":{\"traceId\":\"";
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(body);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }
}
