package me.mixpay.gateway.simulator;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One payment as MixPay keeps it: what its creation asked for, fixed, and where it stands, which the
 * event loops, timers and controls change concurrently (only ever once, out of {@code unpaid}).
 */
public final class SimulatedPayment {

    /** Where a payment stands; replaced whole so a reader never sees a status without its failure code. */
    record Standing(PaymentStatus status, String failureCode, long settledAtMs) {
    }

    /** The creation's terms: the fields a merchant must find again in {@code payments_result}. */
    record Terms(String traceId, String orderId, String payeeId, String clientId, boolean chain,
            String quoteAssetId, String quoteAmount, String paymentAssetId, String paymentAmount,
            String settlementAssetId, String estimatedSettlementAmount, String returnTo, String failedReturnTo,
            String callbackUrl, String callbackEvent) {
    }

    /** How long a quote holds before the payment must be refreshed (the pages show 900 s and 600 s). */
    static final int MIXIN_SECONDS = 900;
    static final int CHAIN_SECONDS = 600;

    private final Terms terms;
    private final long createdAtMs;
    private final AtomicReference<Standing> standing =
            new AtomicReference<>(new Standing(PaymentStatus.UNPAID, "0", 0));
    private volatile long expire;

    SimulatedPayment(Terms terms, long createdAtMs) {
        this.terms = terms;
        this.createdAtMs = createdAtMs;
        refresh(createdAtMs);
    }

    public String traceId() {
        return terms.traceId();
    }

    public PaymentStatus status() {
        return standing.get().status();
    }

    Terms terms() {
        return terms;
    }

    Standing standing() {
        return standing.get();
    }

    long createdAtMs() {
        return createdAtMs;
    }

    int seconds() {
        return terms.chain() ? CHAIN_SECONDS : MIXIN_SECONDS;
    }

    /** Unix seconds at which the current quote expires. */
    long expire() {
        return expire;
    }

    /** A refresh (or a repeated creation, as MixPay's guide asks after expiry) restarts the quote's period. */
    void refresh(long nowMs) {
        expire = nowMs / 1000 + seconds();
    }

    /** Moves an unpaid payment to its final state; false when it was settled already (first one wins). */
    boolean settle(PaymentStatus to, String failureCode, long nowMs) {
        Standing settled = new Standing(to, to == PaymentStatus.FAILED ? failureCode : "0", nowMs);
        // The only unpaid standing is the first one and nothing goes back to it, so one CAS decides.
        Standing unpaid = standing.get();
        return unpaid.status() == PaymentStatus.UNPAID && standing.compareAndSet(unpaid, settled);
    }
}
