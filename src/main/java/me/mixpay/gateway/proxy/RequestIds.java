package me.mixpay.gateway.proxy;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The {@code X-Request-Id} carried from merchant to MixPay and back. A caller's id is kept when it is
 * a plain token; anything else is replaced, because the id goes into log lines and headers verbatim.
 */
final class RequestIds {

    static final String HEADER = "X-Request-Id";

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private RequestIds() {
    }

    static String of(String callerId) {
        if (callerId != null && SAFE.matcher(callerId).matches()) {
            return callerId;
        }
        return UUID.randomUUID().toString();
    }
}
