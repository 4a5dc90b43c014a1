package me.mixpay.gateway.proxy;

import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.envelope.GatewayException;

/**
 * An attempt that produced no reply from MixPay.
 * <p>
 * {@link #requestSent()} is what retry safety hangs on: false only when the gateway knows the request
 * never left (no connection could be made), so even a payment creation can be tried again.
 */
public final class UpstreamFailure extends GatewayException {

    private final boolean requestSent;

    public UpstreamFailure(GatewayError error, boolean requestSent, String detail, Throwable cause) {
        super(error, detail, error.code(), null, 0, cause);
        this.requestSent = requestSent;
    }

    public boolean requestSent() {
        return requestSent;
    }
}
