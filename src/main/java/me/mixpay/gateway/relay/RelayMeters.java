package me.mixpay.gateway.relay;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/** What on-call reads about relayed callbacks: tries by outcome, events waiting and dead, and the delivery lag. */
@Startup
@Singleton
public class RelayMeters {

    static final List<String> OUTCOMES = List.of("delivered", "failed", "dead");

    private final Map<String, Counter> tries;
    private final Counter accepted;
    private final Counter refusedTargets;
    private final Timer lag;
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();

    RelayMeters(MeterRegistry registry) {
        this.tries = OUTCOMES.stream().collect(Collectors.toUnmodifiableMap(Function.identity(),
                outcome -> Counter.builder("mixpay.gateway.relay.attempts")
                        .description("Tries to deliver a verified callback to a merchant, by outcome (dead: the last try failed)")
                        .tag("outcome", outcome).register(registry)));
        this.accepted = Counter.builder("mixpay.gateway.relay.events")
                .description("Verified callbacks queued for a merchant (each event once)").register(registry);
        this.refusedTargets = Counter.builder("mixpay.gateway.relay.refused.targets")
                .description("Creations refused because their callbackUrl is not an allowed target").register(registry);
        this.lag = Timer.builder("mixpay.gateway.relay.lag")
                .description("From the gateway accepting a callback to the merchant's 2xx")
                .publishPercentiles(0.5, 0.99).serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1))
                .register(registry);
        Gauge.builder("mixpay.gateway.relay.waiting", waiting, AtomicLong::get)
                .description("Relayed callbacks waiting for delivery (in Redis: the cluster's)").register(registry);
        Gauge.builder("mixpay.gateway.relay.dead", dead, AtomicLong::get)
                .description("Relayed callbacks in the dead letters (in Redis: the cluster's)").register(registry);
    }

    void accepted() {
        accepted.increment();
    }

    void tried(String outcome) {
        tries.get(outcome).increment();
    }

    public void refusedTarget() {
        refusedTargets.increment();
    }

    void delivered(long lagMillis) {
        lag.record(Duration.ofMillis(Math.max(0, lagMillis)));
    }

    void sizes(long waitingNow, long deadNow) {
        waiting.set(waitingNow);
        dead.set(deadNow);
    }

    public long waiting() {
        return waiting.get();
    }

    public long dead() {
        return dead.get();
    }

    public double lagP99Millis() {
        return lag.count() == 0 ? Double.NaN
                : java.util.Arrays.stream(lag.takeSnapshot().percentileValues()).filter(p -> p.percentile() == 0.99)
                        .mapToDouble(p -> p.value(java.util.concurrent.TimeUnit.MILLISECONDS)).findFirst().orElse(Double.NaN);
    }

    public double delivered() {
        return tries.get("delivered").count();
    }
}
