package me.mixpay.gateway.simulator;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * MixPay's documented endpoints (README of the API pages): which request is which endpoint, and the
 * {@code data} or error code each answers, after the page's parameter rules.
 */
final class SimulatedEndpoints {

    static final String PAYMENT_ASSETS = "GET /v1/setting/payment_assets";
    static final String SETTLEMENT_ASSETS = "GET /v1/setting/settlement_assets";
    static final String QUOTE_ASSETS = "GET /v1/setting/quote_assets";
    static final String ASSETS = "GET /v1/setting/assets";
    static final String PAYMENTS_ESTIMATED = "GET /v1/payments_estimated";
    static final String PAYMENTS_RESULT = "GET /v1/payments_result";
    static final String PAYMENTS_INFO = "GET /v1/payments_info";
    static final String MIXIN_UUID = "GET /v1/user/mixin_uuid/{mixinId}";
    static final String PAYMENTS = "POST /v1/payments";
    static final String ONE_TIME_PAYMENT = "POST /v1/one_time_payment";
    static final String PAYMENTS_REFRESH = "POST /v1/payments/refresh";
    static final String MULTISIG = "POST /v1/multisig";
    /** Any other request: MixPay's 404 envelope. */
    static final String OTHER = "other";

    private static final Set<String> FIXED = Set.of(PAYMENT_ASSETS, SETTLEMENT_ASSETS, QUOTE_ASSETS, ASSETS,
            PAYMENTS_ESTIMATED, PAYMENTS_RESULT, PAYMENTS_INFO, PAYMENTS, ONE_TIME_PAYMENT, PAYMENTS_REFRESH, MULTISIG);
    private static final String MIXIN_UUID_PREFIX = "/v1/user/mixin_uuid/";
    private static final Pattern MIXIN_ID = Pattern.compile("[0-9]{1,19}");

    /** Codes for assets outside the simulator's list, as MixPay's catalog names them. */
    private static final long UNKNOWN_ASSET = 10002;
    private static final long UNKNOWN_QUOTE_ASSET = 10003;
    private static final long UNKNOWN_USER = 10001;
    /**
     * A payment MixPay never created (or the simulator forgot). The catalog's "TraceId does not exist." says
     * exactly that, and as an error it can never be read as paid; an {@code unpaid} success would need a
     * payeeId and amounts the simulator does not have, and a merchant checking them would only be misled.
     */
    static final long UNKNOWN_PAYMENT = 40022;

    private final SimulatedPayments payments;
    private final Consumer<SimulatedPayment> onCreated;

    SimulatedEndpoints(SimulatedPayments payments, Consumer<SimulatedPayment> onCreated) {
        this.payments = payments;
        this.onCreated = onCreated;
    }

    /** The endpoint a request is, by method and path; {@link #OTHER} when MixPay documents none such. */
    static String endpointOf(String method, String path) {
        String key = method + " " + path;
        if (FIXED.contains(key)) {
            return key;
        }
        if ("GET".equals(method) && path.startsWith(MIXIN_UUID_PREFIX) && path.length() > MIXIN_UUID_PREFIX.length()
                && path.indexOf('/', MIXIN_UUID_PREFIX.length()) < 0) {
            return MIXIN_UUID;
        }
        return OTHER;
    }

    static boolean isCreation(String endpoint) {
        return PAYMENTS.equals(endpoint) || ONE_TIME_PAYMENT.equals(endpoint);
    }

    /** The answer, and for a creation the payment it made or found (null otherwise). */
    record Reply(Answer answer, SimulatedPayments.Creation creation) {
    }

    Reply answer(String endpoint, String path, MultiMap p) {
        if (endpoint.equals(OTHER)) {
            return new Reply(Answer.error(404), null);
        }
        OptionalLong broken = ParameterRules.violation(endpoint, p);
        if (broken.isPresent()) {
            return new Reply(Answer.error(broken.getAsLong()), null);
        }
        if (isCreation(endpoint)) {
            return create(endpoint, p);
        }
        return new Reply(switch (endpoint) {
            case PAYMENT_ASSETS -> Answer.ok(SimulatedAssets.paymentAssets());
            case SETTLEMENT_ASSETS -> Answer.ok(SimulatedAssets.settlementAssets());
            case QUOTE_ASSETS -> Answer.ok(SimulatedAssets.quoteAssets());
            case ASSETS -> Answer.ok(SimulatedAssets.assets());
            case PAYMENTS_ESTIMATED -> estimate(p);
            case PAYMENTS_RESULT -> lookUp(p).map(payment -> Answer.ok(PaymentReplies.result(payment, with(p))))
                    .orElse(Answer.error(UNKNOWN_PAYMENT));
            case PAYMENTS_INFO -> payments.byTraceId(p.get("traceId").trim())
                    .map(payment -> Answer.ok(PaymentReplies.payment(payment, false))).orElse(Answer.error(UNKNOWN_PAYMENT));
            case PAYMENTS_REFRESH -> payments.byTraceId(p.get("traceId").trim()).map(payment -> {
                payment.refresh(System.currentTimeMillis());
                // "It will return the same object as on-chain payment API."
                return Answer.ok(PaymentReplies.payment(payment, false));
            }).orElse(Answer.error(UNKNOWN_PAYMENT));
            case MIXIN_UUID -> mixinUuid(path.substring(MIXIN_UUID_PREFIX.length()));
            case MULTISIG -> Answer.ok(new JsonObject().put("multisigId", multisigId(p)));
            default -> Answer.error(404);
        }, null);
    }

    private Reply create(String endpoint, MultiMap p) {
        boolean oneTime = endpoint.equals(ONE_TIME_PAYMENT);
        Optional<SimulatedAssets.Asset> quote = SimulatedAssets.find(p.get("quoteAssetId"));
        Optional<SimulatedAssets.Asset> settlement = SimulatedAssets.crypto(p.get("settlementAssetId"));
        // The one-time page makes paymentAssetId optional: the payer picks on the checkout page, here the
        // settlement asset stands in for that choice.
        Optional<SimulatedAssets.Asset> paying = ParameterRules.present(p, "paymentAssetId")
                ? SimulatedAssets.crypto(p.get("paymentAssetId")) : settlement;
        if (quote.isEmpty()) {
            return new Reply(Answer.error(UNKNOWN_QUOTE_ASSET), null);
        }
        if (settlement.isEmpty() || paying.isEmpty()) {
            return new Reply(Answer.error(UNKNOWN_ASSET), null);
        }
        String quoteAmount = ParameterRules.present(p, "quoteAmount") ? p.get("quoteAmount").trim()
                : SimulatedAssets.convert(p.get("paymentAmount").trim(), paying.get(), quote.get());
        String paymentAmount = ParameterRules.present(p, "paymentAmount") ? p.get("paymentAmount").trim()
                : SimulatedAssets.convert(quoteAmount, quote.get(), paying.get());
        long now = System.currentTimeMillis();
        SimulatedPayment.Terms terms = new SimulatedPayment.Terms(
                ParameterRules.present(p, "traceId") ? p.get("traceId").trim() : UUID.randomUUID().toString(),
                ParameterRules.present(p, "orderId") ? p.get("orderId") : null,
                p.get("payeeId").trim(),
                ParameterRules.present(p, "clientId") ? p.get("clientId").trim() : UUID.randomUUID().toString(),
                !oneTime && truthy(p.get("isChain")),
                quote.get().assetId(), quoteAmount, paying.get().assetId(), paymentAmount, settlement.get().assetId(),
                SimulatedAssets.convert(quoteAmount, quote.get(), settlement.get()), p.get("returnTo"), p.get("failedReturnTo"),
                p.get("callbackUrl"), p.get("callbackEvent"));
        SimulatedPayments.Creation creation = payments.create(terms, now);
        if (creation.repeat()) {
            // MixPay's guide: after the quote's period, "request the create payment API with the same parameters".
            creation.payment().refresh(now);
        } else {
            onCreated.accept(creation.payment());
        }
        Object data = oneTime
                // The one-time page's code is the payment's traceId (the refresh page says so).
                ? new JsonObject().put("code", creation.payment().traceId())
                : PaymentReplies.payment(creation.payment(), !creation.payment().terms().chain());
        return new Reply(Answer.ok(data), creation);
    }

    private Optional<SimulatedPayment> lookUp(MultiMap p) {
        if (ParameterRules.present(p, "traceId")) {
            return payments.byTraceId(p.get("traceId").trim());
        }
        return payments.byOrder(p.get("payeeId").trim(), p.get("orderId"));
    }

    private static Answer estimate(MultiMap p) {
        Optional<SimulatedAssets.Asset> paying = SimulatedAssets.crypto(p.get("paymentAssetId"));
        Optional<SimulatedAssets.Asset> settlement = SimulatedAssets.crypto(p.get("settlementAssetId"));
        Optional<SimulatedAssets.Asset> quote = SimulatedAssets.find(p.get("quoteAssetId"));
        if (quote.isEmpty()) {
            return Answer.error(UNKNOWN_QUOTE_ASSET);
        }
        if (paying.isEmpty() || settlement.isEmpty()) {
            return Answer.error(UNKNOWN_ASSET);
        }
        // "The quoteAmount parameter is invalid when paymentAmount is not null."
        String paymentAmount = ParameterRules.present(p, "paymentAmount") ? p.get("paymentAmount").trim()
                : SimulatedAssets.convert(p.get("quoteAmount").trim(), quote.get(), paying.get());
        String quoteAmount = ParameterRules.present(p, "paymentAmount")
                ? SimulatedAssets.convert(paymentAmount, paying.get(), quote.get()) : p.get("quoteAmount").trim();
        String price = SimulatedAssets.plain(new BigDecimal(paymentAmount).divide(new BigDecimal(quoteAmount), MathContext.DECIMAL64));
        return Answer.ok(new JsonObject()
                .put("price", price)
                .put("estimatedSettlementAmount", SimulatedAssets.convert(quoteAmount, quote.get(), settlement.get()))
                .put("settlementAssetId", settlement.get().assetId()).put("settlementAssetSymbol", settlement.get().symbol())
                .put("paymentAssetId", paying.get().assetId()).put("paymentAssetSymbol", paying.get().symbol())
                .put("paymentAmount", paymentAmount)
                .put("quoteAssetSymbol", quote.get().symbol()).put("quoteAssetId", quote.get().assetId())
                .put("quoteAmount", quoteAmount));
    }

    private static Answer mixinUuid(String mixinId) {
        // Only MixPay users are found; a Mixin ID is a number, so anything else names nobody.
        if (!MIXIN_ID.matcher(mixinId).matches()) {
            return Answer.error(UNKNOWN_USER);
        }
        return Answer.ok(new JsonObject().put("payeeId", nameUuid("mixin|" + mixinId)));
    }

    /** The same group (receivers in any order, same threshold) always has the same id, as at MixPay. */
    private static String multisigId(MultiMap p) {
        String members = p.getAll("receivers").stream().map(r -> r.trim().toLowerCase())
                .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(","));
        return nameUuid("multisig|" + p.get("threshold").trim() + "|" + members);
    }

    private static String nameUuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Set<String> with(MultiMap p) {
        return p.getAll("with").stream().flatMap(w -> Arrays.stream(w.split(","))).map(String::trim)
                .collect(Collectors.toSet());
    }

    private static boolean truthy(String value) {
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
    }
}
