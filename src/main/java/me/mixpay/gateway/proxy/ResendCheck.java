package me.mixpay.gateway.proxy;

import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * Asks MixPay whether a request that may already have reached it took effect, before anything sends it
 * again: the one condition under which a payment creation may be retried.
 */
public interface ResendCheck {

    /**
     * MixPay's answer to the request, rebuilt from what MixPay reports, when it did take effect; empty
     * when MixPay says it did not (the request may then be sent once more); a failure when MixPay could
     * not be asked, and nothing may be sent.
     */
    Uni<Optional<UpstreamReply>> check();
}
