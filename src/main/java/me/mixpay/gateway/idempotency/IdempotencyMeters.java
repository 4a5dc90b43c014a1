package me.mixpay.gateway.idempotency;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What on-call reads about keyed requests: replays, joins, conflicts, and reconciliations by outcome. */
@ApplicationScoped
public class IdempotencyMeters {

    /** How a reconciliation ended: the payment exists, MixPay has none, or MixPay could not be asked. */
    enum Reconciled {
        FOUND, ABSENT, FAILED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Counter replays;
    private final Counter joins;
    private final Counter conflicts;
    private final Counter inProgress;
    private final Map<Reconciled, Counter> reconciliations = new java.util.EnumMap<>(Reconciled.class);

    IdempotencyMeters(MeterRegistry registry) {
        this.replays = Counter.builder("mixpay.gateway.idempotency.replays")
                .description("Keyed requests answered with the stored reply, MixPay not called").register(registry);
        this.joins = Counter.builder("mixpay.gateway.idempotency.joins")
                .description("Keyed requests that joined the same request in flight on this replica").register(registry);
        this.conflicts = Counter.builder("mixpay.gateway.idempotency.conflicts")
                .description("Keyed requests refused with 422: the key belongs to a different request").register(registry);
        this.inProgress = Counter.builder("mixpay.gateway.idempotency.in.progress")
                .description("Keyed requests refused with 409: the key was still in flight on another replica").register(registry);
        for (Reconciled outcome : Reconciled.values()) {
            reconciliations.put(outcome, Counter.builder("mixpay.gateway.idempotency.reconciliations")
                    .description("Payment creations whose effect was unknown, by what MixPay's look-ups said")
                    .tag("outcome", outcome.label()).register(registry));
        }
    }

    void replayed() {
        replays.increment();
    }

    void joined() {
        joins.increment();
    }

    void conflict() {
        conflicts.increment();
    }

    void inProgress() {
        inProgress.increment();
    }

    void reconciled(Reconciled outcome) {
        reconciliations.get(outcome).increment();
    }
}
