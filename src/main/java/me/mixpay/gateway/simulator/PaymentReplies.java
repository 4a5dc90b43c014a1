package me.mixpay.gateway.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.catalog.ErrorCatalog;
import me.mixpay.gateway.catalog.Table;

/**
 * A payment written the way each of MixPay's pages shows it: the payment object of the creation pages,
 * {@code payments_info} and {@code payments/refresh}, and the result of {@code payments_result}.
 */
final class PaymentReplies {

    /** The MixPay bot a Mixin-wallet payment is sent to (the pages' {@code recipient}). */
    private static final String MIXPAY_RECIPIENT = "3539c3ce-52c0-4b0b-9573-c035ecb98d48";
    private static final String PAYEE_AVATAR = "https://mixin-images.zeromesh.net/simulated-payee=s256";
    /** The payments-results page words a few failure reasons its own way; the rest read as the catalog does. */
    private static final Map<String, String> FAILURE_REASONS = Map.of("40000", "Payment overtime",
            "40020", "Wrong asset paid", "40021", "Double payment", "40024", "Wrong Amount paid",
            "40025", "Too much market volatility.");

    private PaymentReplies() {
    }

    /**
     * The payment object. The pages differ in one field: only the Mixin-wallet creation's example shows
     * {@code orderId}; the on-chain creation and {@code payments_info} do not. Each reply follows its page.
     */
    static JsonObject payment(SimulatedPayment payment, boolean withOrderId) {
        SimulatedPayment.Terms t = payment.terms();
        JsonObject json = new JsonObject().put("isChain", t.chain()).put("expire", payment.expire())
                .put("seconds", payment.seconds()).put("payeeId", t.payeeId()).put("traceId", t.traceId())
                .put("clientId", t.clientId());
        if (withOrderId) {
            json.put("orderId", t.orderId() == null ? "" : t.orderId());
        }
        return json.put("paymentAssetId", t.paymentAssetId()).put("settlementAssetId", t.settlementAssetId())
                .put("quoteAssetId", t.quoteAssetId()).put("paymentAmount", t.paymentAmount())
                .put("quoteAmount", t.quoteAmount()).put("estimatedSettlementAmount", t.estimatedSettlementAmount())
                .put("memo", t.chain() ? "" : Base64.getEncoder().encodeToString(
                        ("payment|" + t.clientId()).getBytes(StandardCharsets.UTF_8)))
                .put("recipient", t.chain() ? "" : MIXPAY_RECIPIENT)
                .put("settlementAssetSymbol", symbol(t.settlementAssetId()))
                .put("paymentAssetSymbol", symbol(t.paymentAssetId()))
                .put("quoteAssetSymbol", symbol(t.quoteAssetId()))
                .put("destination", t.chain() ? chainAddress(t.traceId()) : "")
                .put("tag", "");
    }

    /** {@code payments_result}; {@code with} is the page's {@code with=payment,transactions} list. */
    static JsonObject result(SimulatedPayment payment, Set<String> with) {
        SimulatedPayment.Terms t = payment.terms();
        SimulatedPayment.Standing standing = payment.standing();
        boolean paid = standing.status() == PaymentStatus.SUCCESS;
        boolean over = standing.status() != PaymentStatus.UNPAID;
        String txid = paid ? transactionHash(t.traceId()) : "";
        String version = SimulatedAssets.find(t.paymentAssetId()).map(a -> a.network().equals("Ethereum") ? "ERC20" : "")
                .orElse("");
        JsonObject json = new JsonObject()
                .put("status", standing.status().wire())
                .put("quoteAmount", t.quoteAmount()).put("quoteSymbol", symbol(t.quoteAssetId()))
                .put("quoteAssetId", t.quoteAssetId()).put("quoteAssetVersion", "")
                .put("paymentAmount", over ? t.paymentAmount() : "").put("paymentSymbol", symbol(t.paymentAssetId()))
                .put("paymentAssetId", t.paymentAssetId()).put("paymentAssetVersion", version)
                .put("payee", "simulated_payee").put("payeeId", t.payeeId()).put("payeeMixinNumber", "7000000000")
                .put("payeeAvatarUrl", PAYEE_AVATAR)
                .put("txid", t.chain() ? txid : "").put("blockExplorerUrl", t.chain() && paid ? explorer(txid) : "")
                .put("date", over ? standing.settledAtMs() / 1000 : payment.createdAtMs() / 1000)
                .put("surplusAmount", "0").put("surplusStatus", "no")
                .put("confirmations", -1)
                .put("payableAmount", t.paymentAmount()).put("payableSymbol", symbol(t.paymentAssetId()))
                .put("payableAssetId", t.paymentAssetId()).put("payableAssetVersion", version)
                .put("failureCode", standing.failureCode()).put("failureReason", failureReason(standing.failureCode()))
                .put("returnTo", paid ? nullToEmpty(t.returnTo()) : over ? nullToEmpty(t.failedReturnTo()) : "")
                .put("traceId", t.traceId())
                // "When settleStatus is pending, the following fields are empty characters."
                .put("settleStatus", paid ? "success" : "pending")
                .put("settleAmount", paid ? t.estimatedSettlementAmount() : "")
                .put("settleSymbol", paid ? symbol(t.settlementAssetId()) : "")
                .put("settleAsset", paid ? t.settlementAssetId() : "")
                .put("settleAssetVersion", "");
        if (with.contains("transactions")) {
            json.put("transactions", paid ? new JsonArray(List.of(transaction(payment, txid, version))) : new JsonArray());
        }
        if (with.contains("payment")) {
            json.put("payment", new JsonObject().put("isMultiPay", false).put("isFullyPaid", paid)
                    .put("totalTransactionsAmount", paid ? t.paymentAmount() : "0"));
        }
        return json;
    }

    private static JsonObject transaction(SimulatedPayment payment, String txid, String version) {
        SimulatedPayment.Terms t = payment.terms();
        return new JsonObject().put("paymentAmount", t.paymentAmount()).put("paymentAssetId", t.paymentAssetId())
                .put("paymentAssetSymbol", symbol(t.paymentAssetId())).put("paymentAssetVersion", version)
                .put("requiredConfirms", 1).put("confirmations", 1).put("txid", txid)
                .put("blockExplorerUrl", explorer(txid))
                .put("broadcastAt", Instant.ofEpochMilli(payment.standing().settledAtMs()).toString())
                .put("confirmSeconds", 0);
    }

    private static String failureReason(String failureCode) {
        if ("0".equals(failureCode)) {
            return "";
        }
        return FAILURE_REASONS.getOrDefault(failureCode, ErrorCatalog.mixpay()
                .lookup(Long.parseLong(failureCode), Table.REFUND_REASON).map(e -> e.message()).orElse("Payment failed."));
    }

    static String symbol(String assetId) {
        return SimulatedAssets.find(assetId).map(SimulatedAssets.Asset::symbol)
                .orElse(assetId == null ? "" : assetId.toUpperCase(Locale.ROOT));
    }

    /** A 64-hex-digit hash like a chain's transaction id, the same for a payment on every read. */
    private static String transactionHash(String traceId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(traceId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException everyJvmHasIt) {
            throw new IllegalStateException(everyJvmHasIt);
        }
    }

    private static String chainAddress(String traceId) {
        return "sim1" + traceId.replace("-", "").substring(0, 30);
    }

    private static String explorer(String txid) {
        return "https://explorer.simulator.invalid/tx/" + txid;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
