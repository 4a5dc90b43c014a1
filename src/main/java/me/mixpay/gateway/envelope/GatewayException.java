package me.mixpay.gateway.envelope;

/**
 * A request the gateway answers itself. Carries everything the reply needs; no stack trace is kept,
 * since these are expected outcomes, not bugs.
 */
public class GatewayException extends RuntimeException {

    private final GatewayError error;
    private final long code;
    private final String mixpayMessage;
    private final long retryAfterSeconds;

    public GatewayException(GatewayError error, String detail) {
        this(error, detail, error.code(), null, 0, null);
    }

    /**
     * @param code              the MixPay code to put in the envelope (a replayed one, or the error's own)
     * @param mixpayMessage     the envelope message; null for the catalog's text for {@code code}
     * @param retryAfterSeconds when positive, sent as Retry-After
     */
    public GatewayException(GatewayError error, String detail, long code, String mixpayMessage, long retryAfterSeconds,
            Throwable cause) {
        super(detail, cause, false, false);
        this.error = error;
        this.code = code;
        this.mixpayMessage = mixpayMessage;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public GatewayError error() {
        return error;
    }

    public long code() {
        return code;
    }

    public String mixpayMessage() {
        return mixpayMessage;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
