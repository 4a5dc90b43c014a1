package me.mixpay.gateway.idempotency;

import java.util.List;
import java.util.Map;

import me.mixpay.gateway.proxy.ProxyExchange;

/**
 * What makes two requests the same request, scoped to the merchant. For a payment creation, MixPay's own
 * identity of the payment: its {@code traceId} when the request carries one, else {@code (payeeId,
 * orderId)}, which MixPay's pages say make a payment unique. For any other POST, or a creation without
 * them, the {@code Idempotency-Key} header (IETF httpapi draft), scoped to the merchant and the path.
 *
 * @param id       the key, merchant first; never logged (it holds order ids)
 * @param creation true for a payment creation, the only kind the gateway can reconcile with MixPay
 * @param oneTime  {@code POST /v1/one_time_payment}, whose answer is {@code data.code}
 */
public record CreationKey(String id, boolean creation, boolean oneTime, String traceId, String payeeId, String orderId) {

    static final String HEADER = "Idempotency-Key";
    static final String PAYMENTS = "/v1/payments";
    static final String ONE_TIME_PAYMENT = "/v1/one_time_payment";

    /** Whether a POST to this path creates a payment ({@code /v1/payments}, {@code /v1/one_time_payment}). */
    public static boolean isCreationPath(String path) {
        return path.equals(PAYMENTS) || path.equals(ONE_TIME_PAYMENT);
    }

    /** The request's key, or null when it has none (it is then forwarded as it comes). */
    public static CreationKey of(ProxyExchange exchange, Map<String, List<String>> params) {
        String path = exchange.path();
        boolean oneTime = path.equals(ONE_TIME_PAYMENT);
        boolean creation = isCreationPath(path);
        String scope = exchange.merchant() + "\n";
        String traceId = BodyParameters.first(params, "traceId");
        String payeeId = BodyParameters.first(params, "payeeId");
        String orderId = BodyParameters.first(params, "orderId");
        if (creation && traceId != null) {
            return new CreationKey(scope + "trace\n" + traceId, true, oneTime, traceId, payeeId, orderId);
        }
        if (creation && payeeId != null && orderId != null) {
            return new CreationKey(scope + "order\n" + payeeId + "\n" + orderId, true, oneTime, null, payeeId, orderId);
        }
        String header = headerKey(exchange.header(HEADER));
        if (header == null) {
            return null;
        }
        // A creation without MixPay's identity would be refused by MixPay: it cannot be reconciled, only replayed.
        return new CreationKey(scope + "key\n" + path + "\n" + header, false, oneTime, null, null, null);
    }

    /** The draft's key is a structured-field string ({@code "..."}); a bare token is taken as it is. */
    private static String headerKey(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String key = value.trim();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        return key.isEmpty() ? null : key;
    }
}
