package me.mixpay.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.WithDefault;

import me.mixpay.gateway.budget.Priority;
import me.mixpay.gateway.catalog.Category;

/**
 * The policy of one route group. Every default here is the safe one for a group nobody described:
 * not idempotent (so nothing is ever resent after it reached MixPay), breaker on, bounded everything.
 */
public interface RouteGroupConfig {

    /**
     * Patterns {@code "METHOD /path"}: METHOD may be {@code *}; a path ending in {@code /**} matches
     * everything below it. Absent only for the {@code default} group, which matches the rest.
     */
    Optional<List<String>> match();

    /**
     * True when sending the request twice is harmless (read-only look-ups). Only then are failures
     * after the request reached MixPay retried.
     */
    @WithDefault("false")
    boolean idempotent();

    /**
     * The group's class in the MixPay request budget: {@code critical} calls may use the whole window
     * (payment creation and refresh), {@code normal} all but the critical reserve (payment results),
     * {@code low} only what the others leave (settings, estimates, other look-ups). Waiting calls are
     * served in this order.
     */
    @WithDefault("normal")
    Priority priority();

    Retry retry();

    CircuitBreaker circuitBreaker();

    Timeout timeout();

    Bulkhead bulkhead();

    /** The group's read-through cache of MixPay's success replies to GETs (docs/caching.md). */
    Cache cache();

    /** Pacing of payment status polls: {@code payments_result} and {@code payments_info} (docs/caching.md). */
    Poll poll();

    interface Cache {
        /**
         * How long a success reply answers identical GETs without asking MixPay. {@code 0s}, the default
         * for a group nobody described, turns the cache off: only data known to change slowly belongs
         * here.
         */
        @WithDefault("0s")
        Duration ttl();

        /**
         * How long past its TTL an entry still answers, marked {@code stale}, while MixPay cannot: a
         * maintenance code, the group's breaker open, no budget, an upstream failure. {@code 0s}: never.
         */
        @WithDefault("0s")
        Duration maxStale();

        /**
         * The last share of the TTL in which a hit also refreshes the entry, once, in the background, so
         * busy entries never expire under their callers. {@code 0} turns it off.
         */
        @WithDefault("0.2")
        double revalidate();
    }

    interface Poll {
        /**
         * True for groups whose GETs ask a payment's status: a pending answer is then reused for
         * {@link #minInterval()}, a final one ({@code success}, {@code failed}) for {@link #finalTtl()}.
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * The shortest time between two upstream answers for one payment. MixPay's guide tells merchants
         * to poll every 2 s; asking more often spends the budget on answers that cannot have changed.
         */
        @WithDefault("2s")
        Duration minInterval();

        /**
         * The longest the interval may stretch to while many payments are pending at once (see
         * {@link #budgetShare()}).
         */
        @WithDefault("30s")
        Duration maxInterval();

        /**
         * Share of the budget's limit that polls of pending payments may spend together. With P payments
         * polled, each is asked of MixPay at most every {@code P x window / (share x limit)}, never more
         * often than {@link #minInterval()}: at MixPay's 60 a minute and the default half, ten pending
         * payments are asked every 20 s, and the other half of the budget stays for creations and
         * look-ups however many merchants poll.
         */
        @WithDefault("0.5")
        double budgetShare();

        /** How long a final status is reused: it never changes once MixPay has said it. */
        @WithDefault("10m")
        Duration finalTtl();
    }

    interface Retry {
        /** Attempts in all, the first included; 1 turns retries off. */
        @WithDefault("3")
        int maxAttempts();

        /** First back-off; it doubles on each retry up to {@link #maxDelay()}. */
        @WithDefault("100ms")
        Duration initialDelay();

        @WithDefault("2s")
        Duration maxDelay();

        /** Up to this much random time is added to each back-off, so replicas do not retry in step. */
        @WithDefault("100ms")
        Duration jitter();

        /** No retry starts after this long since the first attempt. */
        @WithDefault("10s")
        Duration maxDuration();

        /**
         * Reply categories worth a retry (for idempotent groups). {@code RATE_LIMITED} is not among the
         * defaults: after a 1429 every replica waits out MixPay's window, so a retry could only fail.
         */
        @WithDefault("TRANSIENT")
        Set<Category> on();

        /** HTTP statuses worth a retry when the body says nothing (for idempotent groups). */
        @WithDefault("502,503,504")
        Set<Integer> onStatus();

        /** A Retry-After longer than this is handed to the caller instead of waited out. */
        @WithDefault("2s")
        Duration maxRetryAfter();

        /** Retries may add at most this fraction of the group's requests over the budget window. */
        @WithDefault("0.2")
        double budgetRatio();

        /** Retries always allowed per second whatever the traffic, so a quiet group can still retry. */
        @WithDefault("2")
        int budgetMinPerSecond();
    }

    interface CircuitBreaker {
        @WithDefault("true")
        boolean enabled();

        /** Share of failures in the rolling window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** Size of the rolling window: no verdict before this many calls. */
        @WithDefault("20")
        int requestVolume();

        /** Time open before trial calls are let through. */
        @WithDefault("10s")
        Duration delay();

        /** Successful trial calls needed to close again. */
        @WithDefault("2")
        int successThreshold();

        /** Time a maintenance code (10008, 10009, 40011) keeps the group's breaker open. */
        @WithDefault("30s")
        Duration maintenanceDelay();
    }

    interface Timeout {
        /** One attempt, from sending to the last byte of the reply. */
        @WithDefault("8s")
        Duration attempt();

        /**
         * The whole request, retries and back-offs included. It must end before the merchant's client
         * gives up: MixPay's official client ({@code mixpayjs}) times out after 20 s and then resends the
         * same request, POSTs included, so a gateway still working on a payment creation at 20 s would
         * see it twice. 15 s leaves the client 5 s for the network; set it lower for clients with
         * shorter timeouts.
         */
        @WithDefault("15s")
        Duration overall();
    }

    interface Bulkhead {
        /** Upstream calls of this group in flight at once. */
        @WithDefault("64")
        int maxConcurrent();

        /** Calls waiting for a slot; beyond it, 503 bulkhead_full at once. */
        @WithDefault("64")
        int queue();
    }
}
