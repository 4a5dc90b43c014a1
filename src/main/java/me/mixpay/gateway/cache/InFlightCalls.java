package me.mixpay.gateway.cache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

import me.mixpay.gateway.proxy.Forwarded;

/**
 * Identical GETs in flight on this replica: the first one goes to MixPay, the others wait for its
 * reply. An entry lives only while its call does, so the map is bounded by the calls in flight.
 */
final class InFlightCalls {

    /** One caller's share of a call: the outcome, and whether this caller started it. */
    record Joined(Uni<Forwarded> outcome, boolean leader) {
    }

    private final ConcurrentHashMap<CacheKey, Uni<Forwarded>> calls = new ConcurrentHashMap<>();

    Joined join(CacheKey key, Supplier<Uni<Forwarded>> call) {
        Uni<Forwarded> running = calls.get(key);
        if (running != null) {
            return new Joined(running, false);
        }
        boolean[] started = new boolean[1];
        Uni<Forwarded> outcome = calls.computeIfAbsent(key, absent -> {
            started[0] = true;
            // Removed before the followers hear the outcome, so a request arriving after it starts anew
            // (and finds the entry the call just stored).
            return Uni.createFrom().<Forwarded>deferred(call::get).onTermination().invoke(() -> calls.remove(absent)).memoize().indefinitely();
        });
        return new Joined(outcome, started[0]);
    }

    boolean running(CacheKey key) {
        return calls.containsKey(key);
    }
}
