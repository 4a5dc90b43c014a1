package me.mixpay.gateway.resilience;

/**
 * An attempt of a keyed payment creation that may have reached MixPay without a definitive answer. It
 * is the one failure of a non-idempotent group that may be retried: the next attempt first asks MixPay
 * whether the payment exists ({@link me.mixpay.gateway.proxy.ResendCheck}) and sends nothing if it does.
 * The forwarder unwraps it before judging the outcome, so the merchant and the breakers see the cause.
 */
final class Unsettled extends RuntimeException {

    Unsettled(Throwable cause) {
        super(cause.getMessage(), cause, false, false);
    }

    /** The failure itself, unwrapped if it is one of these. */
    static Throwable cause(Throwable failure) {
        return failure instanceof Unsettled unsettled ? unsettled.getCause() : failure;
    }
}
