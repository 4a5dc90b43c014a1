package me.mixpay.gateway.resilience;

import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import me.mixpay.gateway.config.RouteGroupConfig;
import me.mixpay.gateway.proxy.UpstreamFailure;

/**
 * Whether a failed attempt may be tried again. The one rule that is never configurable: a request
 * that may have reached MixPay is resent only in an idempotent group, so a payment is never created
 * twice. A request that provably never left (no connection) may always be tried again, and so may a keyed
 * payment creation whose attempt ended {@link Unsettled}: its retry asks MixPay before sending anything.
 */
final class RetryDecision {

    private final boolean idempotent;
    private final RouteGroupConfig.Retry policy;
    private final RetryBudget budget;
    private final java.util.function.Consumer<String> granted;

    RetryDecision(boolean idempotent, RouteGroupConfig.Retry policy, RetryBudget budget,
            java.util.function.Consumer<String> granted) {
        this.idempotent = idempotent;
        this.policy = policy;
        this.budget = budget;
        this.granted = granted;
    }

    boolean shouldRetry(Throwable failure) {
        if (isSafeAndWorthIt(failure) && budget.tryAcquire()) {
            granted.accept(reason(failure));
            return true;
        }
        return false;
    }

    /** A bounded label: the reply category, or the transport failure. */
    static String reason(Throwable thrown) {
        Throwable failure = Unsettled.cause(thrown);
        if (failure instanceof FailedReply reply) {
            return reply.category().label();
        }
        if (failure instanceof UpstreamFailure transport) {
            return transport.error().reason();
        }
        return failure instanceof TimeoutException ? "upstream_timeout" : "other";
    }

    private boolean isSafeAndWorthIt(Throwable failure) {
        if (failure instanceof Unsettled) {
            // A keyed creation: the retry asks MixPay first and sends nothing if the payment exists.
            return true;
        }
        if (failure instanceof UpstreamFailure transport) {
            return !transport.requestSent() || idempotent;
        }
        if (failure instanceof TimeoutException) {
            // The attempt's Deadline: the request was sent.
            return idempotent;
        }
        if (failure instanceof FailedReply reply && idempotent) {
            if (reply.retryAfterMillis() > policy.maxRetryAfter().toMillis()) {
                return false;
            }
            return policy.on().contains(reply.category()) || policy.onStatus().contains(reply.reply().status());
        }
        return false;
    }
}
