package me.mixpay.gateway.simulator;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The {@code data} MixPay returns on success for the endpoints merchants call most. Values are
 * plausible, not real: the simulator exists to exercise the gateway, not to quote prices.
 */
final class SimulatedEndpoints {

    private static final List<Map<String, Object>> ASSETS = List.of(
            Map.of("assetId", "c6d0c728-2624-429b-8e0d-d9d19b6592fa", "symbol", "BTC", "chain", "Bitcoin",
                    "isAvailable", true, "minPaymentAmount", "0.00001", "maxPaymentAmount", "2", "dollarPrice", "91234.5"),
            Map.of("assetId", "4d8c508b-91c5-375b-92b0-ee702ed2dac5", "symbol", "USDT", "chain", "Ethereum",
                    "isAvailable", true, "minPaymentAmount", "1", "maxPaymentAmount", "50000", "dollarPrice", "1"),
            Map.of("assetId", "43d61dcd-e413-450d-80b8-101d5e903357", "symbol", "ETH", "chain", "Ethereum",
                    "isAvailable", true, "minPaymentAmount", "0.0005", "maxPaymentAmount", "30", "dollarPrice", "3120.2"));

    private SimulatedEndpoints() {
    }

    /** The success {@code data} for a path, or null when the simulator does not know the endpoint. */
    static Object data(String method, String path, MultiMap params) {
        return switch (method + " " + path) {
            case "GET /v1/setting/payment_assets", "GET /v1/setting/settlement_assets" -> new JsonArray(List.copyOf(ASSETS));
            case "GET /v1/payments_estimated" -> new JsonObject()
                    .put("paymentAssetId", params.get("paymentAssetId"))
                    .put("settlementAssetId", params.get("settlementAssetId"))
                    .put("quoteAmount", params.get("quoteAmount"))
                    .put("paymentAmount", "0.00110000")
                    .put("estimatedSettlementAmount", "99.50")
                    .put("expire", 600);
            case "POST /v1/payments" -> new JsonObject()
                    .put("traceId", UUID.randomUUID().toString())
                    .put("orderId", params.get("orderId"))
                    .put("paymentAmount", "0.00110000")
                    .put("status", "unpaid")
                    .put("expire", System.currentTimeMillis() / 1000 + 600);
            case "GET /v1/payments_result" -> new JsonObject()
                    .put("traceId", params.get("traceId"))
                    .put("orderId", params.get("orderId"))
                    .put("status", "success")
                    .put("paymentAmount", "0.00110000")
                    .put("settlementAmount", "99.50");
            default -> null;
        };
    }
}
