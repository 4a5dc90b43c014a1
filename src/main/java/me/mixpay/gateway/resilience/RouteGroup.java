package me.mixpay.gateway.resilience;

import static java.time.temporal.ChronoUnit.MILLIS;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.enterprise.util.TypeLiteral;

import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.config.RouteGroupConfig;
import me.mixpay.gateway.proxy.UpstreamFailure;
import me.mixpay.gateway.proxy.UpstreamReply;

/**
 * One named route group: its policy and the SmallRye Fault Tolerance guards built from it.
 * <p>
 * Two guards, nested. The inner one runs each attempt: retry (with {@link RetryDecision} and
 * {@link ExponentialJitterBackoff}), the maintenance breaker (a SmallRye breaker with a rolling window of
 * one call, so a single maintenance code opens it at once and a single good trial closes it) and
 * bulkhead, around the attempt's {@link Deadline}. The outer one judges whole requests: the
 * failure-ratio breaker, which so counts a request once whatever its retries, around the request's
 * {@link Deadline}. The deadlines sit where SmallRye's timeouts would, inside the breakers and the
 * retry, so a timeout counts and retries as it would there.
 */
public final class RouteGroup {

    private static final TypeLiteral<Uni<UpstreamReply>> REPLY = new TypeLiteral<>() {
    };

    /**
     * Where the guards run an attempt and deliver its outcome: right here. An attempt only starts a
     * non-blocking Vert.x call, and {@code ProxyRoute} writes the reply on the request's own context
     * whatever thread finishes it. Left to itself (offload off, or on), SmallRye re-dispatches both
     * through the event loop's task queue, twice per guard: 14 % of the gateway's CPU in the benchmark
     * profile, for no isolation gained.
     */
    private static final Executor ON_CALLING_THREAD = Runnable::run;

    private final String name;
    private final RouteGroupConfig policy;
    private final List<RoutePattern> patterns;
    private final RetryBudget budget;
    /** Each attempt: retry, maintenance breaker, bulkhead. */
    private final TypedGuard<Uni<UpstreamReply>> attemptGuard;
    private final Deadline attemptDeadline;
    /** The whole request, retries included: failure-ratio breaker. */
    private final TypedGuard<Uni<UpstreamReply>> requestGuard;
    private final Deadline requestDeadline;
    private final AtomicReference<CircuitBreakerState> breaker = new AtomicReference<>(CircuitBreakerState.CLOSED);
    private final AtomicReference<CircuitBreakerState> maintenanceBreaker = new AtomicReference<>(CircuitBreakerState.CLOSED);
    private final AtomicLong lastTransitionMillis = new AtomicLong(System.currentTimeMillis());
    private final AtomicLong maintenanceOpenedMillis = new AtomicLong();
    private final AtomicReference<UpstreamReply> lastMaintenanceReply = new AtomicReference<>();
    private final AtomicBoolean forcedOpen = new AtomicBoolean();
    /** Requests inside the attempt guard, and those of them with an attempt running: the bulkhead's use. */
    private final java.util.concurrent.atomic.AtomicInteger inGuard = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    /** A maintenance notice another replica saw, shared through the cluster store, until it expires. */
    private final AtomicReference<MaintenanceNotice> noticeElsewhere = new AtomicReference<>();
    private final List<java.util.function.Consumer<MaintenanceNotice>> maintenanceListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<String>> transitionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<String>> retryListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.ObjLongConsumer<Boolean>> attemptListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    RouteGroup(String name, RouteGroupConfig policy) {
        this.name = name;
        this.policy = policy;
        this.patterns = policy.match().orElse(List.of()).stream().map(RoutePattern::parse).toList();
        RouteGroupConfig.Retry retry = policy.retry();
        this.budget = new RetryBudget(retry.budgetRatio(), retry.budgetMinPerSecond());
        RetryDecision decision = new RetryDecision(policy.idempotent(), retry, budget,
                reason -> retryListeners.forEach(listener -> listener.accept(reason)));

        TypedGuard.Builder<Uni<UpstreamReply>> inner = TypedGuard.create(REPLY).withDescription("route-" + name)
                .withThreadOffload(true).withThreadOffloadExecutor(ON_CALLING_THREAD);
        if (retry.maxAttempts() > 1) {
            inner.withRetry()
                    .maxRetries(retry.maxAttempts() - 1)
                    .maxDuration(retry.maxDuration().toMillis(), MILLIS)
                    .whenException(decision::shouldRetry)
                    .withCustomBackoff().strategy(() -> new ExponentialJitterBackoff(retry)).done()
                    .done();
        }
        RouteGroupConfig.CircuitBreaker cb = policy.circuitBreaker();
        if (cb.enabled()) {
            // Inside the retry: a maintenance code is never retried, so this breaker sees the one reply
            // that must open it at once.
            inner.withCircuitBreaker()
                    .name("route-" + name + "-maintenance")
                    .failureRatio(1.0)
                    .requestVolumeThreshold(1)
                    .delay(cb.maintenanceDelay().toMillis(), MILLIS)
                    .successThreshold(1)
                    .when(failure -> failure instanceof FailedReply reply && reply.category() == Category.MAINTENANCE)
                    .onStateChange(state -> {
                        if (state == CircuitBreakerState.OPEN) {
                            maintenanceOpenedMillis.set(System.currentTimeMillis());
                        }
                        transition(maintenanceBreaker, state);
                    })
                    .done();
        }
        // No rate limiter here: every attempt takes its call from the cluster's one MixPay budget
        // (RequestBudget), which a per-group, per-replica limit could only undercut or waste.
        inner.withBulkhead().limit(policy.bulkhead().maxConcurrent()).queueSize(policy.bulkhead().queue()).done();
        this.attemptGuard = inner.build();
        this.attemptDeadline = new Deadline(policy.timeout().attempt(), "the attempt");

        TypedGuard.Builder<Uni<UpstreamReply>> outer = TypedGuard.create(REPLY).withDescription("route-" + name + "-overall")
                .withThreadOffload(true).withThreadOffloadExecutor(ON_CALLING_THREAD);
        if (cb.enabled()) {
            // Outside the retry: the failure ratio judges what merchants got, not each attempt. Counted
            // per attempt, a 30 % rate of -1 that retries fully absorb would still open the breaker
            // (the benchmark showed it), turning recoverable errors into 503s for everyone.
            outer.withCircuitBreaker()
                    .name("route-" + name)
                    .failureRatio(cb.failureRatio())
                    .requestVolumeThreshold(cb.requestVolume())
                    .delay(cb.delay().toMillis(), MILLIS)
                    .successThreshold(cb.successThreshold())
                    .when(RouteGroup::isMixPayFailure)
                    .onStateChange(state -> transition(breaker, state))
                    .done();
        }
        this.requestGuard = outer.build();
        this.requestDeadline = new Deadline(policy.timeout().overall(), "the request");
    }

    /** Runs the attempts of one request under the group's policy; each attempt is bounded by the caller. */
    /**
     * Runs the attempts of one request under the group's policy, within {@code leftMillis} of its
     * overall timeout (the rest went waiting for budget); each attempt is bounded by the caller.
     */
    Uni<UpstreamReply> guard(Supplier<Uni<UpstreamReply>> attempt, long leftMillis) {
        budget.recordRequest();
        Duration left = Duration.ofMillis(Math.max(1, leftMillis));
        return requestGuard.get(() -> requestDeadline.bound(Uni.createFrom().deferred(() -> {
            inGuard.incrementAndGet();
            return attemptGuard.get(() -> {
                running.incrementAndGet();
                return attempt.get().onTermination().invoke(running::decrementAndGet);
            }).onTermination().invoke(inGuard::decrementAndGet);
        }), left));
    }

    /** The limit on one attempt, applied by the caller around the upstream call. */
    Deadline attemptDeadline() {
        return attemptDeadline;
    }

    /** What counts against MixPay's health; the caller's own mistakes and rate limits never do. */
    static boolean isMixPayFailure(Throwable thrown) {
        Throwable failure = Unsettled.cause(thrown);
        if (failure instanceof FailedReply reply) {
            return reply.category() != Category.RATE_LIMITED;
        }
        return failure instanceof UpstreamFailure || failure instanceof TimeoutException;
    }

    /** Remembers the maintenance reply that the open breaker will replay to callers, and tells the cluster. */
    void sawMaintenance(UpstreamReply reply) {
        lastMaintenanceReply.set(reply);
        if (policy.circuitBreaker().enabled()) {
            MaintenanceNotice notice = new MaintenanceNotice(reply.inspection().code(), reply.inspection().message(),
                    System.currentTimeMillis() + policy.circuitBreaker().maintenanceDelay().toMillis());
            maintenanceListeners.forEach(listener -> listener.accept(notice));
        }
    }

    /** Called when this replica sees a maintenance code, so other replicas can open the group too. */
    public void onMaintenance(java.util.function.Consumer<MaintenanceNotice> listener) {
        maintenanceListeners.add(listener);
    }

    /** Another replica saw MixPay's maintenance notice for this group: open here too until it expires. */
    public void openedElsewhere(MaintenanceNotice notice) {
        MaintenanceNotice before = noticeElsewhere.getAndSet(notice);
        if (before == null || !before.inForce(System.currentTimeMillis())) {
            lastTransitionMillis.set(System.currentTimeMillis());
        }
    }

    /**
     * The maintenance notice in force for this group, if any: this replica's own open maintenance
     * breaker's, or one another replica shared. Callers get it replayed without MixPay being called.
     */
    java.util.Optional<MaintenanceNotice> maintenanceNotice() {
        long now = System.currentTimeMillis();
        UpstreamReply own = lastMaintenanceReply.get();
        if (maintenanceOpen() && own != null) {
            long until = maintenanceOpenedMillis.get() + policy.circuitBreaker().maintenanceDelay().toMillis();
            if (until > now) {
                return java.util.Optional.of(new MaintenanceNotice(own.inspection().code(), own.inspection().message(), until));
            }
        }
        MaintenanceNotice shared = noticeElsewhere.get();
        return shared != null && shared.inForce(now) ? java.util.Optional.of(shared) : java.util.Optional.empty();
    }

    private void transition(AtomicReference<CircuitBreakerState> which, CircuitBreakerState state) {
        which.set(state);
        lastTransitionMillis.set(System.currentTimeMillis());
        String label = label(state);
        transitionListeners.forEach(listener -> listener.accept(label));
    }

    /** Called with the new state ("open", "half_open", "closed") on every breaker transition. */
    public void onTransition(java.util.function.Consumer<String> listener) {
        transitionListeners.add(listener);
    }

    /** Called after every upstream attempt: whether MixPay replied, and how long it took in nanoseconds. */
    public void onAttempt(java.util.function.ObjLongConsumer<Boolean> listener) {
        attemptListeners.add(listener);
    }

    /** Attempts of this group in flight to MixPay now: what the bulkhead's {@code max-concurrent} bounds. */
    public int attemptsRunning() {
        return running.get();
    }

    /** Requests of this group between attempts: queued for a bulkhead slot, or backing off before a retry. */
    public int attemptsWaiting() {
        return Math.max(0, inGuard.get() - running.get());
    }

    void attemptFinished(boolean replied, long nanos) {
        attemptListeners.forEach(listener -> listener.accept(replied, nanos));
    }

    /** Called with the reason (a category or transport error) for every retry granted. */
    public void onRetry(java.util.function.Consumer<String> listener) {
        retryListeners.add(listener);
    }

    /** How specifically the group's best pattern matches the request ({@link RoutePattern#specificity()}); -1 if none does. */
    int specificity(String method, String path) {
        int best = -1;
        for (RoutePattern pattern : patterns) {
            if (pattern.matches(method, path)) {
                best = Math.max(best, pattern.specificity());
            }
        }
        return best;
    }

    public String name() {
        return name;
    }

    public me.mixpay.gateway.budget.Priority priority() {
        return policy.priority();
    }

    public RouteGroupConfig policy() {
        return policy;
    }

    /** The group's breaker as operators see it: open if either breaker is open or it is forced open. */
    public CircuitBreakerState breakerState() {
        MaintenanceNotice shared = noticeElsewhere.get();
        if (forcedOpen.get() || maintenanceBreaker.get() == CircuitBreakerState.OPEN || breaker.get() == CircuitBreakerState.OPEN
                || (shared != null && shared.inForce(System.currentTimeMillis()))) {
            return CircuitBreakerState.OPEN;
        }
        if (maintenanceBreaker.get() == CircuitBreakerState.HALF_OPEN || breaker.get() == CircuitBreakerState.HALF_OPEN) {
            return CircuitBreakerState.HALF_OPEN;
        }
        return CircuitBreakerState.CLOSED;
    }

    /** {@link #breakerState()} as logs, the admin API and the status page spell it: closed, open, half_open. */
    public String breakerLabel() {
        return label(breakerState());
    }

    /** A breaker state as metrics, traces and the status page name it: {@code closed}, {@code open}, {@code half_open}. */
    public static String label(CircuitBreakerState state) {
        return switch (state) {
            case CLOSED -> "closed";
            case OPEN -> "open";
            case HALF_OPEN -> "half_open";
        };
    }

    boolean maintenanceOpen() {
        return maintenanceBreaker.get() == CircuitBreakerState.OPEN;
    }

    public long lastTransitionMillis() {
        return lastTransitionMillis.get();
    }

    public int retryBudgetRemaining() {
        return budget.remaining();
    }

    public boolean forcedOpen() {
        return forcedOpen.get();
    }

    /** Names of the SmallRye breakers, for {@code CircuitBreakerMaintenance}. */
    public List<String> breakerNames() {
        return policy.circuitBreaker().enabled()
                ? List.of("route-" + name, "route-" + name + "-maintenance")
                : List.of();
    }

    public List<String> patterns() {
        return policy.match().orElse(List.of("* (everything else)"));
    }

    public void forceOpen(boolean open) {
        forcedOpen.set(open);
        lastTransitionMillis.set(System.currentTimeMillis());
    }
}
