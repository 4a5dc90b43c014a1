package me.mixpay.gateway.relay;

import io.vertx.core.json.JsonObject;

/**
 * One verified callback on its way to a merchant, as the delivery queue keeps it.
 *
 * @param id        Standard Webhooks' {@code webhook-id}: stable for the event, so the merchant drops repeats
 * @param ref       the payment's record; a payment's events are delivered in order, one after another
 * @param target    the merchant's callback URL, as allowed when the creation passed
 * @param body      the JSON delivered, the same bytes on every try
 * @param createdAt epoch ms when the gateway accepted the event (delivery lag counts from here)
 * @param attempts  tries made so far
 * @param lastStatus the merchant's HTTP status on the last try; 0 for none (no connection, refused target)
 * @param lastError why the last try failed, or null
 * @param creationTrace the creation's W3C {@code traceparent}, so each try's span links to it (null: tracing was off)
 */
public record RelayEvent(String id, String ref, String target, String body, long createdAt, int attempts, int lastStatus,
        String lastError, String creationTrace) {

    RelayEvent failedTry(int status, String error) {
        return new RelayEvent(id, ref, target, body, createdAt, attempts + 1, status, error, creationTrace);
    }

    /** A dead letter sent again from the start. */
    RelayEvent fresh() {
        return new RelayEvent(id, ref, target, body, createdAt, 0, 0, null, creationTrace);
    }

    String encode() {
        return new JsonObject().put("id", id).put("ref", ref).put("target", target).put("body", body).put("createdAt", createdAt)
                .put("attempts", attempts).put("lastStatus", lastStatus).put("lastError", lastError).put("creationTrace", creationTrace)
                .encode();
    }

    /** The event, or null when the text is not one (another version's, or damaged). */
    static RelayEvent decode(String text) {
        try {
            JsonObject json = new JsonObject(text);
            return new RelayEvent(json.getString("id"), json.getString("ref"), json.getString("target"), json.getString("body"),
                    json.getLong("createdAt", 0L), json.getInteger("attempts", 0), json.getInteger("lastStatus", 0),
                    json.getString("lastError"), json.getString("creationTrace"));
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** What an operator may see of it: the ids, where it goes (without path or query), how its tries went. */
    JsonObject describe(Long dueAt) {
        JsonObject ids = new JsonObject(body);
        java.net.URI uri = java.net.URI.create(target);
        return new JsonObject().put("id", id).put("orderId", ids.getString("orderId")).put("traceId", ids.getString("traceId"))
                .put("status", ids.getString("status"))
                .put("target", uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : ""))
                .put("createdAt", createdAt).put("attempts", attempts).put("lastStatus", lastStatus).put("lastError", lastError)
                .put("nextAttemptAt", dueAt);
    }
}
