package me.mixpay.gateway.callback;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.budget.Priority;
import me.mixpay.gateway.proxy.OwnLookUps;
import me.mixpay.gateway.proxy.UpstreamReply;
import me.mixpay.gateway.trace.RequestTrace;

/**
 * Verifies a payment as MixPay's security guideline asks of a callback's receiver: one
 * {@code payments_result} call, never answered from the cache, and {@code status}, {@code payeeId},
 * {@code quoteAmount} and {@code quoteAssetId} checked against the creation's own terms (the payment
 * amount and asset instead, for a creation that fixed those).
 */
@ApplicationScoped
class PaymentVerifier {

    /**
     * What MixPay said of the payment.
     *
     * @param outcome    the verification, or null when MixPay could not be asked ({@code unanswered} says why)
     * @param reply      MixPay's {@code payments_result} reply, when it answered with the payment
     * @param traceId    the payment's traceId in MixPay's reply
     */
    record Verdict(PaymentRecord.Verified outcome, UpstreamReply reply, String traceId, String unanswered) {
    }

    private final OwnLookUps lookUps;
    private final Duration timeout;
    private final Duration budgetWait;
    private final Priority priority;

    PaymentVerifier(OwnLookUps lookUps, CallbackConfig config) {
        this.lookUps = lookUps;
        this.priority = config.verifyClass().priority();
        this.timeout = config.verifyTimeout();
        this.budgetWait = config.verifyBudgetWait();
    }

    /**
     * In the {@code verification} class unless configured otherwise: after creations, before every poll,
     * since the one call a payment needs replaces every poll that would have followed. On {@code trace},
     * the first post's: the check is its client span (posts that join the check, and MixPay's later
     * tries, carry none).
     */
    Uni<Verdict> verify(PaymentRecord record, String requestId, RequestTrace trace) {
        return lookUps.get(requestId, record.merchant(), priority, target(record), timeout, budgetWait.toMillis(), trace)
                .map(reply -> judge(record, reply))
                .onFailure().recoverWithItem(failure -> new Verdict(null, null, null, String.valueOf(failure.getMessage())));
    }

    /** By the creation's own identity, never by what the callback's body claims. */
    private static String target(PaymentRecord record) {
        return record.traceId() != null ? "/v1/payments_result?traceId=" + encode(record.traceId())
                : "/v1/payments_result?orderId=" + encode(record.orderId()) + "&payeeId=" + encode(record.payeeId());
    }

    static Verdict judge(PaymentRecord record, UpstreamReply reply) {
        if (reply.status() != 200 || !reply.inspection().isSuccess()) {
            return new Verdict(null, null, null, "payments_result answered HTTP " + reply.status() + " code "
                    + reply.inspection().codeLabel());
        }
        JsonObject data;
        try {
            data = new JsonObject(reply.body()).getJsonObject("data");
        } catch (RuntimeException unreadable) {
            data = null;
        }
        if (data == null || !(data.getValue("status") instanceof String status)) {
            return new Verdict(null, null, null, "payments_result answered without a payment status");
        }
        String traceId = text(data, "traceId");
        PaymentRecord.Verified outcome = new PaymentRecord.Verified(status.toLowerCase(Locale.ROOT), text(data, "settleStatus"),
                mismatch(record, data), System.currentTimeMillis());
        return new Verdict(outcome, reply, traceId, null);
    }

    /** The first of the guideline's checks the payment fails, as a metric label; null when it passes them all. */
    static String mismatch(PaymentRecord record, JsonObject data) {
        if (!same(record.payeeId(), text(data, "payeeId"))) {
            return CallbackMeters.PAYEE_MISMATCH;
        }
        if (record.traceId() != null && !same(record.traceId(), text(data, "traceId"))) {
            return CallbackMeters.TRACE_MISMATCH;
        }
        if ("failed".equalsIgnoreCase(text(data, "status"))) {
            // A failure is often the payer's wrong amount or asset (failureCode 40024, 40020), and MixPay then
            // reports what was paid: nothing is fulfilled on it, so only whose payment it is must match.
            return null;
        }
        boolean byPayment = record.paymentAmount() != null;
        String amount = byPayment ? record.paymentAmount() : record.quoteAmount();
        String asset = byPayment ? record.paymentAssetId() : record.quoteAssetId();
        if (!sameAmount(amount, text(data, byPayment ? "paymentAmount" : "quoteAmount"))) {
            return CallbackMeters.AMOUNT_MISMATCH;
        }
        if (asset != null && !same(asset, text(data, byPayment ? "paymentAssetId" : "quoteAssetId"))) {
            return CallbackMeters.ASSET_MISMATCH;
        }
        return null;
    }

    /** MixPay's docs give these as strings; a number in their place is compared, not thrown on. */
    private static String text(JsonObject data, String name) {
        Object value = data.getValue(name);
        return value instanceof String || value instanceof Number ? value.toString() : null;
    }

    private static boolean same(String expected, String actual) {
        return expected != null && actual != null && expected.trim().equalsIgnoreCase(actual.trim());
    }

    /** Numerically: MixPay may answer {@code "10.00"} for an order of {@code 10}. */
    private static boolean sameAmount(String expected, String actual) {
        if (expected == null || actual == null) {
            return false;
        }
        try {
            return new BigDecimal(expected.trim()).compareTo(new BigDecimal(actual.trim())) == 0;
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
