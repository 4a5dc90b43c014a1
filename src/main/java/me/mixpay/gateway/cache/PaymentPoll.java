package me.mixpay.gateway.cache;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.QueryStringDecoder;

import me.mixpay.gateway.proxy.ProxyExchange;

/**
 * Which payment a plain poll asks about: {@code GET /v1/payments_result} with only {@code traceId}, or only
 * {@code orderId} and {@code payeeId}, the two identities MixPay's page gives. A verified callback's answer
 * is kept under both, whatever codings the poller accepts, since it is kept uncompressed. A poll with
 * anything more ({@code with=payment}) is another question, answered as before.
 */
final class PaymentPoll {

    static final String PATH = "/v1/payments_result";

    private PaymentPoll() {
    }

    /** The payment a plain poll names, or null for any other request. */
    static String of(ProxyExchange exchange) {
        if (!PATH.equals(exchange.path())) {
            return null;
        }
        Map<String, List<String>> query = new QueryStringDecoder(exchange.pathAndQuery(), StandardCharsets.UTF_8, true, 8).parameters();
        if (query.size() == 1) {
            return byTrace(single(query, "traceId"));
        }
        return query.size() == 2 ? byOrder(single(query, "payeeId"), single(query, "orderId")) : null;
    }

    static String byTrace(String traceId) {
        return traceId == null ? null : "trace\n" + traceId;
    }

    static String byOrder(String payeeId, String orderId) {
        return payeeId == null || orderId == null ? null : "order\n" + payeeId + "\n" + orderId;
    }

    /** Where a verified final answer about the payment is kept. */
    static CacheKey verifiedKey(String payment) {
        return new CacheKey("verified " + payment);
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.size() != 1 || values.get(0).isBlank() ? null : values.get(0).trim();
    }
}
