package me.mixpay.gateway.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Polls on this replica that wait for MixPay, by the payment they ask about: the payment's verified
 * callback answers them as soon as this replica knows of it (at once when verified here, at the next
 * heartbeat when verified by another replica), rather than the next call the window lets go, or a
 * refusal when none comes in time. An entry lives only while its poll waits, so the map is bounded by
 * the polls in flight.
 */
final class WaitingPolls {

    private final ConcurrentHashMap<String, Set<UniEmitter<? super CachedReply>>> byPayment = new ConcurrentHashMap<>();

    /**
     * The payment's verified answer, when one is recorded on this replica while the caller waits; never fails.
     * {@code already} (the answer this replica holds, or null) is asked once the caller is registered: an
     * answer {@link #settle}d just before is not missed.
     */
    Uni<CachedReply> verified(String payment, Supplier<CachedReply> already) {
        return Uni.createFrom().emitter(emitter -> {
            emitter.onTermination(() -> byPayment.computeIfPresent(payment, (key, waiting) -> {
                waiting.remove(emitter);
                return waiting.isEmpty() ? null : waiting;
            }));
            byPayment.compute(payment, (key, waiting) -> {
                Set<UniEmitter<? super CachedReply>> polls = waiting == null ? ConcurrentHashMap.newKeySet() : waiting;
                polls.add(emitter);
                return polls;
            });
            CachedReply settled = already.get();
            if (settled != null) {
                emitter.complete(settled);
            }
        });
    }

    /** The payments polls wait for now. */
    Set<String> payments() {
        return Set.copyOf(byPayment.keySet());
    }

    /** Answers every poll of the payment that waits here. */
    void settle(String payment, CachedReply answer) {
        Set<UniEmitter<? super CachedReply>> waiting = byPayment.remove(payment);
        if (waiting != null) {
            waiting.forEach(poll -> poll.complete(answer));
        }
    }
}
