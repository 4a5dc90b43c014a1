package me.mixpay.gateway.resilience;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.proxy.UpstreamReply;

/**
 * A MixPay reply that the policies treat as a failure (a transient or maintenance code, a 5xx, a
 * 1429). SmallRye's retry and breaker act on exceptions, so the attempt throws this and the
 * forwarder turns it back into the reply the merchant gets when no retry is left.
 */
final class FailedReply extends RuntimeException {

    private final transient UpstreamReply reply;
    private final long retryAfterMillis;

    FailedReply(UpstreamReply reply, long retryAfterMillis) {
        super("MixPay answered " + reply.status() + " code " + reply.inspection().codeLabel(), null, false, false);
        this.reply = reply;
        this.retryAfterMillis = retryAfterMillis;
    }

    UpstreamReply reply() {
        return reply;
    }

    Category category() {
        return reply.inspection().category();
    }

    /** MixPay's Retry-After, or 0 when it sent none. */
    long retryAfterMillis() {
        return retryAfterMillis;
    }
}
