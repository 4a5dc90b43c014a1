package me.mixpay.gateway.idempotency;

import io.vertx.core.json.JsonObject;

/**
 * Where one key stands, as the cluster store holds it (a JSON string, compared whole when it is replaced,
 * so two replicas can never both take a key over).
 *
 * @param state       in flight, unknown, or done
 * @param fingerprint the request the key belongs to ({@link RequestFingerprint})
 * @param holder      the request holding the key while in flight (a random token)
 * @param leaseUntil  epoch ms after which an in-flight holder is taken for gone
 * @param reply       the answer to replay, when done
 */
record KeyRecord(State state, String fingerprint, String holder, long leaseUntil, StoredReply reply) {

    enum State {
        /** A request with the key is being answered. */
        IN_FLIGHT,
        /** An attempt may have reached MixPay without an answer: MixPay is asked before anything is sent. */
        UNKNOWN,
        /** MixPay answered with success: replayed until the key expires. */
        DONE
    }

    static KeyRecord inFlight(String fingerprint, String holder, long leaseUntil) {
        return new KeyRecord(State.IN_FLIGHT, fingerprint, holder, leaseUntil, null);
    }

    KeyRecord unknown() {
        return new KeyRecord(State.UNKNOWN, fingerprint, holder, 0, null);
    }

    KeyRecord done(StoredReply answer) {
        return new KeyRecord(State.DONE, fingerprint, holder, 0, answer);
    }

    String encode() {
        JsonObject json = new JsonObject().put("state", state.name()).put("fingerprint", fingerprint).put("holder", holder)
                .put("leaseUntil", leaseUntil);
        if (reply != null) {
            json.put("reply", reply.toJson());
        }
        return json.encode();
    }

    /** The record, or null when the stored text is not one (another version's, or damaged): then treated as unknown. */
    static KeyRecord decode(String text) {
        try {
            JsonObject json = new JsonObject(text);
            JsonObject reply = json.getJsonObject("reply");
            return new KeyRecord(State.valueOf(json.getString("state")), json.getString("fingerprint"),
                    json.getString("holder"), json.getLong("leaseUntil", 0L), reply == null ? null : StoredReply.fromJson(reply));
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
