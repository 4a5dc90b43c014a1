package me.mixpay.gateway.idempotency;

import java.util.Base64;
import java.util.Locale;
import java.util.Map;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.envelope.Inspection;
import me.mixpay.gateway.proxy.UpstreamReply;

/**
 * MixPay's successful answer to a keyed request, as it is replayed: status, headers and body byte for
 * byte. Only successes are kept (code 0); the rate-limit headers are not, since they described a window
 * long gone.
 */
record StoredReply(int status, MultiMap headers, Buffer body) {

    static StoredReply of(UpstreamReply reply) {
        MultiMap kept = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> header : reply.headers()) {
            if (!header.getKey().toLowerCase(Locale.ROOT).startsWith("x-ratelimit-")) {
                kept.add(header.getKey(), header.getValue());
            }
        }
        return new StoredReply(reply.status(), kept, reply.body());
    }

    /** A fresh reply for one merchant: its own header map and buffer, since the writer consumes both. */
    UpstreamReply toReply() {
        return new UpstreamReply(status, MultiMap.caseInsensitiveMultiMap().addAll(headers), body.copy(),
                new Inspection(Category.SUCCESS, 0L, null));
    }

    JsonObject toJson() {
        JsonArray pairs = new JsonArray();
        headers.forEach(header -> pairs.add(new JsonArray().add(header.getKey()).add(header.getValue())));
        return new JsonObject().put("status", status).put("headers", pairs)
                .put("body", Base64.getEncoder().encodeToString(body.getBytes()));
    }

    static StoredReply fromJson(JsonObject json) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        json.getJsonArray("headers").forEach(pair -> headers.add(((JsonArray) pair).getString(0), ((JsonArray) pair).getString(1)));
        return new StoredReply(json.getInteger("status"), headers, Buffer.buffer(Base64.getDecoder().decode(json.getString("body"))));
    }
}
