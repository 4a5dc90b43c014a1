package me.mixpay.gateway.envelope;

import me.mixpay.gateway.catalog.Category;

/**
 * What the gateway read from one MixPay reply body.
 *
 * @param category how the reply is treated
 * @param code     the envelope's {@code code}, or {@code null} when there was none to read
 * @param message  the envelope's {@code message}, or {@code null}; not read on success replies
 */
public record Inspection(Category category, Long code, String message) {

    public static final Inspection UNPARSEABLE = new Inspection(Category.UNPARSEABLE, null, null);

    /** The code as a header or log value: the number, or "none". */
    public String codeLabel() {
        return code == null ? "none" : Long.toString(code);
    }

    public boolean isSuccess() {
        return category == Category.SUCCESS;
    }
}
