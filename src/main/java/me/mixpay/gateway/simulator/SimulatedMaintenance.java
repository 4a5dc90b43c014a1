package me.mixpay.gateway.simulator;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * MixPay down for maintenance for a while: until it ends, every API request is answered with one of the
 * catalog's maintenance codes (10008, 10009, 40011), as MixPay answers while it is out of service. Set
 * by {@code POST /_simulator/maintenance}; a benchmark uses it to show what merchants get meanwhile.
 */
final class SimulatedMaintenance {

    /** The codes the error catalog files under maintenance. */
    static final Set<Long> CODES = Set.of(10008L, 10009L, 40011L);

    private record Period(long untilMs, long code) {
    }

    private final AtomicReference<Period> current = new AtomicReference<>();

    void begin(long nowMs, long forMs, long code) {
        current.set(new Period(nowMs + forMs, code));
    }

    void end() {
        current.set(null);
    }

    /** The code to answer with now, or 0 when MixPay is in service. */
    long codeAt(long nowMs) {
        Period period = current.get();
        return period != null && nowMs < period.untilMs() ? period.code() : 0;
    }

    /** Milliseconds of maintenance left (0 when none). */
    long leftAt(long nowMs) {
        Period period = current.get();
        return period == null ? 0 : Math.max(0, period.untilMs() - nowMs);
    }
}
