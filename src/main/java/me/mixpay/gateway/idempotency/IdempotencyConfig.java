package me.mixpay.gateway.idempotency;

import java.time.Duration;
import java.util.Set;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Payment creations exactly once (docs/exactly-once.md): how long a key's answer is kept, how many keys a
 * replica holds without Redis, and how MixPay is asked whether a payment exists.
 */
@ConfigMapping(prefix = "gateway.idempotency")
public interface IdempotencyConfig {

    /**
     * Keys on payment creations (MixPay's order identity) and on any POST with an {@code Idempotency-Key}
     * header. Off, every request is forwarded as it comes and a creation that may have reached MixPay is
     * never resent.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * How long a key's answer is replayed. MixPay's official client resends without a limit and job
     * runners resend after a crash; a day covers both without holding keys forever.
     */
    @WithDefault("24h")
    Duration ttl();

    /**
     * Keys one replica holds in memory when there is no Redis (or while it is away); past it the oldest
     * are forgotten and a resend of theirs is forwarded like a new request.
     */
    @WithDefault("100000")
    int maxKeys();

    /**
     * How long a request holds its key while it is in flight. Another replica seeing the key waits for
     * the answer until then; past it, the holder is taken for gone (a crashed replica) and the key's
     * creation for unknown, to be reconciled. Longer than any route group's {@code timeout.overall}.
     */
    @WithDefault("30s")
    Duration inFlightLease();

    /** How often a replica looks whether a key another replica holds has its answer yet. */
    @WithDefault("100ms")
    Duration pollInterval();

    /**
     * Largest reply kept for replay. A larger creation reply is not kept; a resend of it is answered from
     * MixPay's look-ups instead.
     */
    @WithDefault("64K")
    MemorySize maxReplySize();

    LookUp lookUp();

    /** The look-ups that ask MixPay whether a creation took effect ({@code payments_result}, {@code payments_info}). */
    interface LookUp {
        /** One look-up attempt, from sending to the last byte of the reply. */
        @WithDefault("3s")
        Duration timeout();

        /** Attempts per look-up; each draws a {@code critical} call from the MixPay budget. */
        @WithDefault("3")
        int attempts();

        /**
         * MixPay codes that mean "no such payment": the catalog's 40022, "TraceId does not exist.". Any other
         * error leaves the creation unknown, and nothing is sent.
         */
        @WithDefault("40022")
        Set<Long> absentCodes();
    }
}
