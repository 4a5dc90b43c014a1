package me.mixpay.gateway.cache;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.proxy.UpstreamReply;

/**
 * Whether a payment status reply is final. {@code payments_result} says {@code unpaid}, {@code pending},
 * {@code auditing}, {@code failed} or {@code success}; only the last two never change. The reply is
 * read as MixPay sent it, compressed or not, and anything unreadable counts as not final, the safe way
 * round: it is then kept only for the poll interval.
 */
final class PollAnswer {

    private static final Set<String> FINAL = Set.of("success", "failed");

    private PollAnswer() {
    }

    static boolean isFinal(UpstreamReply reply) {
        try (InputStream body = decoded(reply)) {
            Object data = new JsonObject(io.vertx.core.buffer.Buffer.buffer(body.readAllBytes())).getValue("data");
            if (data instanceof JsonObject payment && payment.getValue("status") instanceof String status) {
                return FINAL.contains(status.toLowerCase(Locale.ROOT));
            }
            return false;
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }

    private static InputStream decoded(UpstreamReply reply) throws IOException {
        InputStream raw = new ByteArrayInputStream(reply.body().getBytes());
        String coding = reply.headers().get(HttpHeaders.CONTENT_ENCODING);
        if (coding == null) {
            return raw;
        }
        return switch (coding.trim().toLowerCase(Locale.ROOT)) {
            case "gzip", "x-gzip" -> new GZIPInputStream(raw);
            case "deflate" -> new InflaterInputStream(raw);
            default -> raw;
        };
    }
}
