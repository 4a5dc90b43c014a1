package me.mixpay.gateway.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of a valid {@code POST /v1/payments}, as the accepting-payments page's example sends them. */
public final class CreationForm {

    public static final String BTC = "c6d0c728-2624-429b-8e0d-d9d19b6592fa";
    public static final String ETH = "43d61dcd-e413-450d-80b8-101d5e903357";
    public static final String PAYEE = "8e69e534-d0c4-3e04-8b61-37a73cd9e7d7";

    private CreationForm() {
    }

    /** A ten-dollar order paid in {@code paymentAssetId}, settled in BTC; a fresh map the caller may change. */
    public static Map<String, String> of(String orderId, String paymentAssetId) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("payeeId", PAYEE);
        form.put("orderId", orderId);
        form.put("paymentAssetId", paymentAssetId);
        form.put("settlementAssetId", BTC);
        form.put("quoteAssetId", "usd");
        form.put("quoteAmount", "10");
        return form;
    }
}
