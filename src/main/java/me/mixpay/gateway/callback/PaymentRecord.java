package me.mixpay.gateway.callback;

import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.idempotency.BodyParameters;

/**
 * What the gateway keeps of one payment creation it forwarded with its own callback URL: the terms a
 * callback is verified against, the merchant's own callback, and what verification found.
 *
 * @param ref           the record's name, from the creation's key ({@link CallbackUrls#refOf})
 * @param merchant      who created it
 * @param traceId       the creation's traceId, or MixPay's once verified; null before for an order-keyed creation
 * @param paymentAmount set when the creation fixed the payment amount, which makes {@code quoteAmount} void
 * @param callbackUrl   the merchant's own callback URL, null when it asked for none
 * @param callbackEvent the merchant's subscribed events as it sent them ({@code settle|pending}), or null
 * @param creationTrace the creation's W3C {@code traceparent}, so its callback's trace links to it (null: tracing off)
 * @param verified      the last verification's outcome, or null before any
 */
record PaymentRecord(String ref, String merchant, String traceId, String orderId, String payeeId, String quoteAmount,
        String quoteAssetId, String paymentAmount, String paymentAssetId, String callbackUrl, String callbackEvent,
        long createdAt, String creationTrace, Verified verified) {

    /**
     * A verification's outcome.
     *
     * @param status  MixPay's {@code data.status} then
     * @param refusal why the payment did not match its creation's terms, or null when it did
     * @param at      epoch ms of the verification
     */
    record Verified(String status, String settleStatus, String refusal, long at) {

        boolean isFinal() {
            return refusal == null && ("success".equals(status) || "failed".equals(status));
        }

        JsonObject toJson() {
            return new JsonObject().put("status", status).put("settleStatus", settleStatus).put("refusal", refusal).put("at", at);
        }

        static Verified fromJson(JsonObject json) {
            return json == null ? null
                    : new Verified(json.getString("status"), json.getString("settleStatus"), json.getString("refusal"),
                            json.getLong("at", 0L));
        }
    }

    /** The record of a creation about to be sent, from the merchant's own parameters. */
    static PaymentRecord of(String ref, String merchant, Map<String, List<String>> params, long now, String creationTrace) {
        return new PaymentRecord(ref, merchant, BodyParameters.first(params, "traceId"), BodyParameters.first(params, "orderId"),
                BodyParameters.first(params, "payeeId"), BodyParameters.first(params, "quoteAmount"),
                BodyParameters.first(params, "quoteAssetId"), BodyParameters.first(params, "paymentAmount"),
                BodyParameters.first(params, "paymentAssetId"), BodyParameters.first(params, "callbackUrl"),
                BodyParameters.first(params, "callbackEvent"), now, creationTrace, null);
    }

    PaymentRecord verified(Verified outcome, String mixpayTraceId) {
        return new PaymentRecord(ref, merchant, traceId != null ? traceId : mixpayTraceId, orderId, payeeId, quoteAmount,
                quoteAssetId, paymentAmount, paymentAssetId, callbackUrl, callbackEvent, createdAt, creationTrace, outcome);
    }

    /** Events beyond {@code success} and {@code fail}, which MixPay sends whether asked or not. */
    boolean subscribedMore() {
        if (callbackEvent == null) {
            return false;
        }
        for (String event : callbackEvent.split("\\|")) {
            String name = event.trim();
            if (!name.isEmpty() && !name.equals("success") && !name.equals("fail")) {
                return true;
            }
        }
        return false;
    }

    String encode() {
        return new JsonObject().put("ref", ref).put("merchant", merchant).put("traceId", traceId).put("orderId", orderId)
                .put("payeeId", payeeId).put("quoteAmount", quoteAmount).put("quoteAssetId", quoteAssetId)
                .put("paymentAmount", paymentAmount).put("paymentAssetId", paymentAssetId).put("callbackUrl", callbackUrl)
                .put("callbackEvent", callbackEvent).put("createdAt", createdAt).put("creationTrace", creationTrace)
                .put("verified", verified == null ? null : verified.toJson()).encode();
    }

    /** The record, or null when the text is not one (another version's, or damaged). */
    static PaymentRecord decode(String text) {
        try {
            JsonObject json = new JsonObject(text);
            return new PaymentRecord(json.getString("ref"), json.getString("merchant"), json.getString("traceId"),
                    json.getString("orderId"), json.getString("payeeId"), json.getString("quoteAmount"),
                    json.getString("quoteAssetId"), json.getString("paymentAmount"), json.getString("paymentAssetId"),
                    json.getString("callbackUrl"), json.getString("callbackEvent"), json.getLong("createdAt", 0L),
                    json.getString("creationTrace"), Verified.fromJson(json.getJsonObject("verified")));
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
