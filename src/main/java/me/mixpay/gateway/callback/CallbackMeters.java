package me.mixpay.gateway.callback;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/**
 * What on-call reads about MixPay's callbacks: received, verified by status, refused by reason, deferred
 * (MixPay is told to try again), and the time from a callback's arrival to its answer in the poll cache.
 * Every label comes from the closed sets below, so no caller can create a series.
 */
@Startup
@Singleton
public class CallbackMeters {

    static final String BAD_TOKEN = "bad_token";
    static final String MALFORMED = "malformed";
    static final String UNKNOWN_PAYMENT = "unknown_payment";
    static final String IDS_MISMATCH = "ids_mismatch";
    static final String PAYEE_MISMATCH = "payee_mismatch";
    static final String TRACE_MISMATCH = "trace_mismatch";
    static final String AMOUNT_MISMATCH = "amount_mismatch";
    static final String ASSET_MISMATCH = "asset_mismatch";
    /** Why a callback was refused; the first three cost no store, Redis or MixPay call. */
    static final List<String> REFUSALS = List.of(BAD_TOKEN, MALFORMED, UNKNOWN_PAYMENT, IDS_MISMATCH, PAYEE_MISMATCH,
            TRACE_MISMATCH, AMOUNT_MISMATCH, ASSET_MISMATCH);

    static final String NOT_FINAL = "not_final";
    static final String UNVERIFIED = "unverified";
    static final String RECENTLY_CHECKED = "recently_checked";
    static final List<String> DEFERRALS = List.of(NOT_FINAL, UNVERIFIED, RECENTLY_CHECKED);

    private final Counter received;
    private final Map<String, Counter> verified;
    private final Map<String, Counter> refused;
    private final Map<String, Counter> deferred;
    private final Timer toCache;
    private volatile long lastToCacheMillis = -1;

    CallbackMeters(MeterRegistry registry) {
        this.received = Counter.builder("mixpay.gateway.callbacks.received")
                .description("Posts to the gateway's callback path, forged ones included").register(registry);
        this.verified = family(List.of("success", "failed"), status -> Counter.builder("mixpay.gateway.callbacks.verified")
                .description("Callbacks whose payment MixPay's payments_result confirmed final, with the creation's terms")
                .tag("status", status).register(registry));
        this.refused = family(REFUSALS, reason -> Counter.builder("mixpay.gateway.callbacks.refused")
                .description("Callbacks refused, by the check they failed").tag("reason", reason).register(registry));
        this.deferred = family(DEFERRALS, reason -> Counter.builder("mixpay.gateway.callbacks.deferred")
                .description("Callbacks MixPay is told to send again: the payment is not final yet, or MixPay could not be asked")
                .tag("reason", reason).register(registry));
        this.toCache = Timer.builder("mixpay.gateway.callback.to.cache")
                .description("From MixPay's callback reaching the gateway to the verified answer in the poll cache")
                .publishPercentiles(0.5, 0.99).serviceLevelObjectives(Duration.ofMillis(250), Duration.ofSeconds(1),
                        Duration.ofSeconds(2), Duration.ofSeconds(5))
                .register(registry);
    }

    private static Map<String, Counter> family(List<String> values, Function<String, Counter> build) {
        return values.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), build));
    }

    void received() {
        received.increment();
    }

    void verified(String status) {
        Counter counter = verified.get(status);
        if (counter != null) {
            counter.increment();
        }
    }

    void refused(String reason) {
        refused.get(reason).increment();
    }

    void deferred(String reason) {
        deferred.get(reason).increment();
    }

    void toCache(long millis) {
        toCache.record(Duration.ofMillis(millis));
        lastToCacheMillis = millis;
    }

    /** For the status page: the counts so far. */
    public double receivedCount() {
        return received.count();
    }

    public double verifiedCount() {
        return verified.values().stream().mapToDouble(Counter::count).sum();
    }

    public Map<String, Double> refusedCounts() {
        return refused.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().count()));
    }

    public double deferredCount() {
        return deferred.values().stream().mapToDouble(Counter::count).sum();
    }

    /** The 99th percentile of callback-to-cache times, in ms (NaN before any). */
    public double toCacheP99Millis() {
        return toCache.count() == 0 ? Double.NaN
                : java.util.Arrays.stream(toCache.takeSnapshot().percentileValues())
                        .filter(p -> p.percentile() == 0.99).mapToDouble(p -> p.value(java.util.concurrent.TimeUnit.MILLISECONDS))
                        .findFirst().orElse(Double.NaN);
    }

    /** The last callback-to-cache time, in ms; -1 before any. */
    public long lastToCacheMillis() {
        return lastToCacheMillis;
    }
}
