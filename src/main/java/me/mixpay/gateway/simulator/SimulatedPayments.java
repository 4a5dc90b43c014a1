package me.mixpay.gateway.simulator;

import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The payments MixPay knows. {@code (payeeId, orderId)} identifies a payment (traceId alone where the
 * merchant sent no orderId), so repeating a creation finds the same payment again instead of a second one;
 * whether a creation was such a repeat is what "one creation per order" assertions read from the journal.
 * <p>
 * Both indexes are bounded Caffeine caches: a payment past {@code maxPayments} is forgotten and from then
 * on answered as never created, which keeps a long benchmark's memory flat.
 */
public final class SimulatedPayments {

    /** A creation's outcome: the payment, and whether an earlier creation had made it already. */
    public record Creation(SimulatedPayment payment, boolean repeat) {
    }

    private final Cache<String, SimulatedPayment> byIdentity;
    private final Cache<String, SimulatedPayment> byTrace;

    SimulatedPayments(int maxPayments) {
        byIdentity = Caffeine.newBuilder().maximumSize(maxPayments).build();
        byTrace = Caffeine.newBuilder().maximumSize(maxPayments).build();
    }

    /** The existing payment for these terms' identity, or a new one built from them (atomically). */
    Creation create(SimulatedPayment.Terms terms, long nowMs) {
        boolean[] made = new boolean[1];
        SimulatedPayment payment = byIdentity.get(identity(terms.payeeId(), terms.orderId(), terms.traceId()), key -> {
            made[0] = true;
            return new SimulatedPayment(terms, nowMs);
        });
        byTrace.put(payment.traceId(), payment);
        return new Creation(payment, !made[0]);
    }

    public Optional<SimulatedPayment> byTraceId(String traceId) {
        return traceId == null ? Optional.empty() : Optional.ofNullable(byTrace.getIfPresent(traceId));
    }

    public Optional<SimulatedPayment> byOrder(String payeeId, String orderId) {
        return Optional.ofNullable(byIdentity.getIfPresent(identity(payeeId, orderId, null)));
    }

    public long size() {
        return byTrace.estimatedSize();
    }

    void clear() {
        byIdentity.invalidateAll();
        byTrace.invalidateAll();
    }

    private static String identity(String payeeId, String orderId, String traceId) {
        // ParameterRules keeps newlines out of orderId, so the last newline splits the pair unambiguously.
        return orderId != null ? "order\n" + payeeId + "\n" + orderId : "trace\n" + traceId;
    }
}
