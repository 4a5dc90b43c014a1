package me.mixpay.gateway.simulator;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The assets the simulator trades in, with dollar prices that make amounts plausible (not real: the
 * simulator exists to exercise the gateway, not to quote). Ids are MixPay's own, as its pages use them.
 */
final class SimulatedAssets {

    record Asset(String assetId, String symbol, String name, String network, String dollarPrice, boolean crypto) {

        BigDecimal price() {
            return new BigDecimal(dollarPrice);
        }

        String iconUrl() {
            return "https://app.mixpay.me/fiats/" + assetId + ".png";
        }

        JsonObject chainAsset() {
            return new JsonObject().put("id", assetId).put("name", name).put("symbol", symbol).put("iconUrl", iconUrl());
        }
    }

    static final List<Asset> ALL = List.of(
            new Asset("c6d0c728-2624-429b-8e0d-d9d19b6592fa", "BTC", "Bitcoin", "Bitcoin", "91234.5", true),
            new Asset("43d61dcd-e413-450d-80b8-101d5e903357", "ETH", "Ether", "Ethereum", "3120.2", true),
            new Asset("4d8c508b-91c5-375b-92b0-ee702ed2dac5", "USDT", "Tether USD", "Ethereum", "1", true),
            new Asset("25dabac5-056a-48ff-b9f9-f67395dc407c", "TRX", "TRON", "TRON", "0.25", true),
            new Asset("eea900a8-b327-488c-8d8d-1428702fe240", "MOB", "MobileCoin", "MobileCoin", "0.5", true),
            // Fiat quotes: MixPay's pages quote in "usd" throughout.
            new Asset("usd", "USD", "US Dollar", "", "1", false),
            new Asset("eur", "EUR", "Euro", "", "1.08", false));

    private SimulatedAssets() {
    }

    static Optional<Asset> find(String assetId) {
        if (assetId == null) {
            return Optional.empty();
        }
        String id = assetId.trim().toLowerCase(Locale.ROOT);
        return ALL.stream().filter(a -> a.assetId().equals(id)).findFirst();
    }

    static Optional<Asset> crypto(String assetId) {
        return find(assetId).filter(Asset::crypto);
    }

    /** {@code amount} of {@code from} expressed in {@code to}, eight decimals as MixPay writes them. */
    static String convert(String amount, Asset from, Asset to) {
        BigDecimal dollars = new BigDecimal(amount).multiply(from.price());
        return plain(dollars.divide(to.price(), MathContext.DECIMAL64));
    }

    static String plain(BigDecimal value) {
        return value.setScale(8, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    static JsonArray paymentAssets() {
        JsonArray list = new JsonArray();
        ALL.stream().filter(Asset::crypto).forEach(a -> list.add(new JsonObject()
                .put("name", a.name()).put("symbol", a.symbol()).put("iconUrl", a.iconUrl()).put("assetId", a.assetId())
                .put("network", a.network()).put("onChainSupported", true)
                .put("minPaymentAmount", plain(BigDecimal.ONE.divide(a.price(), MathContext.DECIMAL64)))
                .put("maxPaymentAmount", plain(new BigDecimal(50_000).divide(a.price(), MathContext.DECIMAL64)))
                .put("chainAsset", a.chainAsset())));
        return list;
    }

    static JsonArray settlementAssets() {
        JsonArray list = new JsonArray();
        ALL.stream().filter(Asset::crypto).forEach(a -> list.add(new JsonObject()
                .put("name", a.name()).put("symbol", a.symbol()).put("iconUrl", a.iconUrl()).put("assetId", a.assetId())
                .put("network", a.network()).put("isAsset", true).put("chainAsset", a.chainAsset())));
        return list;
    }

    static JsonArray quoteAssets() {
        JsonArray list = new JsonArray();
        ALL.forEach(a -> list.add(new JsonObject()
                .put("symbol", a.symbol()).put("iconUrl", a.iconUrl())
                .put("minQuoteAmount", plain(BigDecimal.ONE.divide(a.price(), MathContext.DECIMAL64)))
                .put("maxQuoteAmount", plain(new BigDecimal(50_000).divide(a.price(), MathContext.DECIMAL64)))
                .put("decimalDigit", a.crypto() ? 8 : 2).put("isAsset", a.crypto() ? 1 : 0).put("assetId", a.assetId())
                .put("chainAsset", a.chainAsset())));
        return list;
    }

    /**
     * {@code GET /v1/setting/assets} has no page (the guides only link it), so it answers in the shape of
     * the payment-assets list, the richest of the documented ones, over every crypto asset.
     */
    static JsonArray assets() {
        return paymentAssets();
    }
}
