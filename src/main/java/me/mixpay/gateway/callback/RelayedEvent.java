package me.mixpay.gateway.callback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Arrays;

import io.vertx.core.json.JsonObject;

/**
 * What a merchant receives for a verified callback: MixPay's three ids, plus what the gateway verified
 * (the status and the checked terms). Its id is the same for every post of the same event, and differs
 * for the payment's next one (a settlement after a success).
 */
final class RelayedEvent {

    private RelayedEvent() {
    }

    static String id(PaymentRecord record) {
        PaymentRecord.Verified verified = record.verified();
        String event = record.ref() + "\n" + verified.status() + "\n" + verified.settleStatus();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(event.getBytes(StandardCharsets.UTF_8));
            return "evt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 18));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }

    static JsonObject body(PaymentRecord record) {
        PaymentRecord.Verified verified = record.verified();
        JsonObject body = new JsonObject().put("orderId", record.orderId()).put("traceId", record.traceId())
                .put("payeeId", record.payeeId()).put("status", verified.status()).put("settleStatus", verified.settleStatus());
        if (record.paymentAmount() != null) {
            body.put("paymentAmount", record.paymentAmount()).put("paymentAssetId", record.paymentAssetId());
        } else {
            body.put("quoteAmount", record.quoteAmount()).put("quoteAssetId", record.quoteAssetId());
        }
        return body.put("verifiedAt", verified.at());
    }
}
