package me.mixpay.gateway.simulator;

import java.math.BigDecimal;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import io.vertx.core.MultiMap;

/**
 * The parameter rules MixPay's endpoint pages state, each broken one answered with the catalog code MixPay
 * gives: 1017 "Parameter error." for a missing or malformed parameter, 10041 for a multisig threshold above
 * its receivers. A blank value counts as absent, as an HTML form's empty field does.
 */
final class ParameterRules {

    static final long PARAMETER_ERROR = 1017;
    static final long THRESHOLD_TOO_HIGH = 10041;

    /** "String lengths between 6-36 must be letters, numbers, dashes and underscores and NOT space." */
    private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_-]{6,36}");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");

    private ParameterRules() {
    }

    /** The code a request's parameters earn at this endpoint, or empty when they follow its page. */
    static OptionalLong violation(String endpoint, MultiMap p) {
        boolean ok = switch (endpoint) {
            case SimulatedEndpoints.PAYMENT_ASSETS, SimulatedEndpoints.SETTLEMENT_ASSETS ->
                    // "quoteAmount has to work together with quoteAssetId."
                    (!present(p, "quoteAmount") || present(p, "quoteAssetId")) && amount(p, "quoteAmount");
            case SimulatedEndpoints.PAYMENTS_ESTIMATED ->
                    required(p, "paymentAssetId", "settlementAssetId", "quoteAmount", "quoteAssetId")
                            && amount(p, "quoteAmount") && amount(p, "paymentAmount");
            case SimulatedEndpoints.PAYMENTS_RESULT ->
                    // traceId, or orderId with payeeId.
                    (present(p, "traceId") || present(p, "orderId") && present(p, "payeeId")) && orderId(p);
            case SimulatedEndpoints.PAYMENTS_INFO, SimulatedEndpoints.PAYMENTS_REFRESH -> required(p, "traceId");
            case SimulatedEndpoints.PAYMENTS -> creation(p)
                    && required(p, "paymentAssetId")
                    // The on-chain page requires quoteAmount; both pages let paymentAmount stand in for it.
                    && (present(p, "quoteAmount") || present(p, "paymentAmount"))
                    && maxLength(p, "note", 50);
            case SimulatedEndpoints.ONE_TIME_PAYMENT -> creation(p) && required(p, "quoteAmount");
            case SimulatedEndpoints.MULTISIG -> multisig(p);
            default -> true;
        };
        if (!ok) {
            return OptionalLong.of(PARAMETER_ERROR);
        }
        if (endpoint.equals(SimulatedEndpoints.MULTISIG)
                && Long.parseLong(p.get("threshold").trim()) > p.getAll("receivers").size()) {
            return OptionalLong.of(THRESHOLD_TOO_HIGH);
        }
        return OptionalLong.empty();
    }

    /** What both creation pages require and bound alike. */
    private static boolean creation(MultiMap p) {
        return required(p, "payeeId", "settlementAssetId", "quoteAssetId")
                && (present(p, "orderId") || present(p, "traceId"))
                && orderId(p)
                && (!present(p, "traceId") || UUID.matcher(p.get("traceId").trim()).matches())
                && amount(p, "quoteAmount") && amount(p, "paymentAmount")
                && maxLength(p, "remark", 50) && maxLength(p, "settlementMemo", 200)
                && (!present(p, "callbackUrl") || p.get("callbackUrl").startsWith("https://"))
                && (!present(p, "expiredTimestamp") || INTEGER.matcher(p.get("expiredTimestamp").trim()).matches());
    }

    private static boolean multisig(MultiMap p) {
        List<String> receivers = p.getAll("receivers");
        return receivers.size() >= 3 && receivers.size() <= 256
                && receivers.stream().allMatch(r -> UUID.matcher(r.trim()).matches())
                && present(p, "threshold") && INTEGER.matcher(p.get("threshold").trim()).matches()
                && Long.parseLong(p.get("threshold").trim()) >= 1;
    }

    static boolean present(MultiMap p, String name) {
        String value = p.get(name);
        return value != null && !value.isBlank();
    }

    private static boolean required(MultiMap p, String... names) {
        for (String name : names) {
            if (!present(p, name)) {
                return false;
            }
        }
        return true;
    }

    private static boolean orderId(MultiMap p) {
        return !present(p, "orderId") || ORDER_ID.matcher(p.get("orderId")).matches();
    }

    /** A positive decimal where the page says Numeric (absent is fine: whether it is required is checked apart). */
    private static boolean amount(MultiMap p, String name) {
        if (!present(p, name)) {
            return true;
        }
        try {
            return new BigDecimal(p.get(name).trim()).signum() > 0;
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    private static boolean maxLength(MultiMap p, String name, int most) {
        return !present(p, name) || p.get(name).length() <= most;
    }
}
