package me.mixpay.gateway.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.envelope.Inspection;
import me.mixpay.gateway.proxy.UpstreamReply;

/**
 * One success reply of MixPay's, kept with when it arrived and for how long it answers: fresh until
 * {@code storedAt + freshMillis}, then stale (only while MixPay cannot answer) for {@code staleMillis}.
 * The times are wall-clock milliseconds, so an entry written to Redis by one replica reads the same on
 * another. A {@code paced} entry is a pending payment status: {@code freshMillis} is the longest it may
 * answer, and whether it still does is decided when it is read, by the poll interval then in force.
 */
record CachedReply(int status, List<Map.Entry<String, String>> headers, byte[] body, Long code, long storedAt,
        long freshMillis, long staleMillis, boolean paced) {

    /** Headers that described MixPay's state when the reply was sent, not the reply: never replayed. */
    private static final List<String> NOT_KEPT = List.of("x-ratelimit-limit", "x-ratelimit-remaining", "set-cookie",
            "age", "content-length");

    static CachedReply of(UpstreamReply reply, long now, long freshMillis, long staleMillis, boolean paced) {
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        for (Map.Entry<String, String> header : reply.headers()) {
            if (!NOT_KEPT.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                kept.add(Map.entry(header.getKey(), header.getValue()));
            }
        }
        return new CachedReply(reply.status(), List.copyOf(kept), reply.body().getBytes(), reply.inspection().code(), now,
                freshMillis, staleMillis, paced);
    }

    boolean freshAt(long now) {
        return now < storedAt + freshMillis;
    }

    /** Fresh for a caller that allows it to be at most {@code maxAgeMillis} old. */
    boolean youngerThan(long maxAgeMillis, long now) {
        return now < storedAt + Math.min(freshMillis, maxAgeMillis);
    }

    boolean usableStaleAt(long now) {
        return now < storedAt + freshMillis + staleMillis;
    }

    /** Within the last {@code share} of its freshness: time to refresh it in the background. */
    boolean endingAt(long now, double share) {
        return share > 0 && now >= storedAt + freshMillis - (long) (freshMillis * share);
    }

    long expiresAt() {
        return storedAt + freshMillis + staleMillis;
    }

    /** Whole seconds since MixPay answered, for the {@code Age} header. */
    long ageSeconds(long now) {
        return Math.max(0, (now - storedAt) / 1000);
    }

    /** A reply to hand a merchant: its own buffer, since a reply's body is written (and released) once. */
    UpstreamReply reply() {
        MultiMap replyHeaders = MultiMap.caseInsensitiveMultiMap();
        headers.forEach(header -> replyHeaders.add(header.getKey(), header.getValue()));
        return new UpstreamReply(status, replyHeaders, Buffer.buffer(body), new Inspection(Category.SUCCESS, code, null));
    }

    /** What the entry costs in memory, near enough: the body and the headers' text. */
    int bytes() {
        int size = body.length + 64;
        for (Map.Entry<String, String> header : headers) {
            size += header.getKey().length() + header.getValue().length() + 16;
        }
        return size;
    }

    String toJson() {
        JsonArray headerList = new JsonArray();
        headers.forEach(header -> headerList.add(new JsonArray().add(header.getKey()).add(header.getValue())));
        return new JsonObject().put("status", status).put("headers", headerList).put("body", body).put("code", code)
                .put("storedAt", storedAt).put("freshMillis", freshMillis).put("staleMillis", staleMillis).put("paced", paced).encode();
    }

    /** The entry another replica wrote, or null when it cannot be read (written by another version, say). */
    static CachedReply fromJson(String json) {
        try {
            JsonObject entry = new JsonObject(json);
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (Object header : entry.getJsonArray("headers")) {
                JsonArray pair = (JsonArray) header;
                headers.add(Map.entry(pair.getString(0), pair.getString(1)));
            }
            return new CachedReply(entry.getInteger("status"), List.copyOf(headers), entry.getBinary("body"),
                    entry.getLong("code"), entry.getLong("storedAt"), entry.getLong("freshMillis"), entry.getLong("staleMillis"),
                    entry.getBoolean("paced", false));
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
