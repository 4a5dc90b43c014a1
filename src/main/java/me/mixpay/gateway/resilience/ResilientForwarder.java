package me.mixpay.gateway.resilience;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

import me.mixpay.gateway.budget.BudgetExhausted;
import me.mixpay.gateway.budget.RequestBudget;
import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.envelope.GatewayException;
import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.Forwarder;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.proxy.UpstreamClient;
import me.mixpay.gateway.proxy.UpstreamFailure;
import me.mixpay.gateway.proxy.UpstreamReply;

/**
 * Forwards a request under its route group's policy and the cluster's MixPay budget, and tells the
 * merchant what happened ({@code X-Gateway-Route}, {@code X-Gateway-Attempts}, {@code X-Gateway-Circuit}).
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class ResilientForwarder implements Forwarder {

    // Header names as Netty AsciiStrings, whose case-insensitive hash a header map computes once, not per lookup.
    public static final CharSequence ROUTE = HttpHeaders.createOptimized("X-Gateway-Route");
    public static final CharSequence ATTEMPTS = HttpHeaders.createOptimized("X-Gateway-Attempts");
    static final CharSequence CIRCUIT = HttpHeaders.createOptimized("X-Gateway-Circuit");
    private static final long DEADLINE_MARGIN_MILLIS = 250;

    private final RouteTable routes;
    private final UpstreamClient upstream;
    private final RequestBudget budget;

    ResilientForwarder(RouteTable routes, UpstreamClient upstream, RequestBudget budget) {
        this.routes = routes;
        this.upstream = upstream;
        this.budget = budget;
    }

    @Override
    public Uni<Forwarded> forward(ProxyExchange exchange) {
        RouteGroup group = routes.match(exchange.method().name(), exchange.path());
        exchange.route(group.name());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(ROUTE, group.name());
        // Answered here, before any budget is taken: a call MixPay will not see must not spend one.
        if (group.forcedOpen() || group.maintenanceNotice().isPresent()) {
            return Uni.createFrom().item(circuitOpen(group, exchange, headers));
        }
        // The last thing an attempt met, so a retry that finds no budget still hands the merchant
        // MixPay's answer: no call is refused after it has spent budget.
        AtomicReference<Throwable> lastFailure = new AtomicReference<>();
        // The first call is taken before the guards: a request waiting for budget holds no bulkhead slot
        // and is no breaker's trial call (a half-open breaker admits one, and it must not sit in a queue).
        return call(group, exchange)
                .chain(firstCall -> group.guard(() -> attempt(group, exchange, lastFailure), timeLeft(group, exchange)))
                .onItemOrFailure().transform((reply, failure) -> {
                    // From here on what the request left is fixed, though its attempts may not have stopped.
                    exchange.answered(failure == null);
                    return failure == null ? done(exchange, headers, relay(reply, headers))
                            : outcome(group, exchange, headers, Unsettled.cause(
                                    failure instanceof BudgetExhausted && lastFailure.get() != null ? lastFailure.get() : failure));
                });
    }

    /**
     * What is left of the request's overall timeout. A wait for budget ends {@link #DEADLINE_MARGIN_MILLIS}
     * before it, so a call that found none is answered budget_exhausted, never timed out (a timeout
     * would count against MixPay's health).
     */
    private static long timeLeft(RouteGroup group, ProxyExchange exchange) {
        return group.policy().timeout().overall().toMillis()
                - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exchange.startNanos());
    }

    /**
     * One MixPay call from the budget; a wait for it is an event on the request's trace, with its reason.
     * A request answered while its call waits (a poll its payment's verified callback answered) leaves the
     * queue without spending the call.
     */
    private Uni<Void> call(RouteGroup group, ProxyExchange exchange) {
        Uni<Void> call = budget.acquire(exchange.priorityOr(group.priority()), exchange.merchant(), budgetWait(group, exchange),
                () -> !exchange.isAnswered());
        // Checked here too: with tracing off, the request path builds no method references for the trace.
        return exchange.trace().on() ? exchange.trace().budgetCall(call, budget::shortageReason, exchange::isAnswered) : call;
    }

    /** How long a call of this request may wait for budget. */
    private static long budgetWait(RouteGroup group, ProxyExchange exchange) {
        return timeLeft(group, exchange) - DEADLINE_MARGIN_MILLIS;
    }

    private Uni<UpstreamReply> attempt(RouteGroup group, ProxyExchange exchange, AtomicReference<Throwable> lastFailure) {
        if (exchange.isAnswered()) {
            // A retry the request's deadline abandoned: it would only spend budget (send() refuses it anyway).
            return Uni.createFrom().failure(new Abandoned());
        }
        if (exchange.attempts() > 0 && exchange.unsettled() && exchange.resendCheck() != null) {
            return reconcileThenSend(group, exchange, lastFailure);
        }
        return send(group, exchange, lastFailure);
    }

    /**
     * The retry of a creation whose last attempt may have reached MixPay: MixPay is asked first. A payment
     * it knows is the answer, and nothing is sent; one it does not know is sent once more. When MixPay
     * cannot be asked, the last attempt's own failure ends the request (never retried), still unsettled.
     */
    private Uni<UpstreamReply> reconcileThenSend(RouteGroup group, ProxyExchange exchange, AtomicReference<Throwable> lastFailure) {
        Throwable unsettled = Unsettled.cause(lastFailure.get());
        return exchange.resendCheck().check()
                .onFailure().transform(couldNotAsk -> unsettled)
                .chain(found -> {
                    if (found.isPresent()) {
                        // Settled only once it is the request's answer (forward): a deadline may still drop it.
                        return Uni.createFrom().item(found.get());
                    }
                    // MixPay has no such payment: nothing of this request's is out there until it is sent again.
                    exchange.unsettled(false);
                    return send(group, exchange, lastFailure);
                });
    }

    private Uni<UpstreamReply> send(RouteGroup group, ProxyExchange exchange, AtomicReference<Throwable> lastFailure) {
        Uni<UpstreamReply> attempt = Uni.createFrom().deferred(() -> {
            // Unsettled from here: an attempt cut off by the request's deadline reports nothing afterwards.
            // Checked and marked at once, so a request answered meanwhile is either unsettled or never sent.
            if (!exchange.startAttempt()) {
                return Uni.createFrom().failure(new Abandoned());
            }
            long start = System.nanoTime();
            Deadline deadline = group.attemptDeadline();
            return deadline.bound(upstream.send(exchange, deadline.limit()))
                    .onItemOrFailure().invoke((reply, failure) -> group.attemptFinished(failure == null, System.nanoTime() - start));
        });
        // The first attempt's call was taken before the guards; each retry takes its own.
        Uni<UpstreamReply> sent = exchange.attempts() == 0 ? attempt
                : call(group, exchange).chain(granted -> attempt);
        return sent
                // A reply that passes is settled once it is the request's answer (forward), not here: the
                // request's deadline may have dropped it, and a payment it made would then be unknown.
                .map(reply -> judge(group, reply))
                .onFailure(failure -> !(failure instanceof BudgetExhausted)).transform(failure -> {
                    Throwable settled = settle(exchange, failure);
                    lastFailure.set(settled);
                    return settled;
                });
    }

    /**
     * An attempt that did not start because its request had already been answered. Nobody receives it
     * (the guards' caller has gone); it is no failure any policy retries or counts against MixPay.
     */
    private static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("the request was answered before this attempt could start; nothing was sent", null, false, false);
        }
    }

    /**
     * Records whether a failed attempt left the request's effect unknown, and marks such a failure of a
     * request that can be reconciled as {@link Unsettled}, the one kind its group may retry.
     */
    private static Throwable settle(ProxyExchange exchange, Throwable failure) {
        boolean unknown = mayHaveActed(failure);
        exchange.unsettled(unknown);
        return unknown && exchange.resendCheck() != null ? new Unsettled(failure) : failure;
    }

    /** Whether MixPay may have acted on an attempt that ended this way. */
    private static boolean mayHaveActed(Throwable failure) {
        if (failure instanceof UpstreamFailure transport) {
            return transport.requestSent();
        }
        if (failure instanceof TimeoutException) {
            return true;
        }
        if (failure instanceof FailedReply reply) {
            // A server error may come after the work was done; a maintenance code or a 1429 comes instead of it.
            Category category = reply.category();
            return category == Category.TRANSIENT || category == Category.UNPARSEABLE || category == Category.UNKNOWN;
        }
        return false;
    }

    /** Lets a good reply through; turns a reply the policies must act on into a {@link FailedReply}. */
    private UpstreamReply judge(RouteGroup group, UpstreamReply reply) {
        budget.observe(reply.headers());
        Category category = reply.inspection().category();
        long retryAfter = retryAfterMillis(reply);
        if (category == Category.RATE_LIMITED || reply.status() == 429) {
            budget.rateLimitedByMixPay();
            throw new FailedReply(reply, Math.max(retryAfter, budget.windowMillis()));
        }
        if (category == Category.MAINTENANCE) {
            group.sawMaintenance(reply);
            throw new FailedReply(reply, retryAfter);
        }
        boolean silentServerError = reply.status() >= 500
                && (category == Category.UNPARSEABLE || category == Category.UNKNOWN);
        if (category == Category.TRANSIENT || silentServerError) {
            throw new FailedReply(reply, retryAfter);
        }
        return reply;
    }

    private Forwarded outcome(RouteGroup group, ProxyExchange exchange, MultiMap headers, Throwable failure) {
        if (failure instanceof FailedReply failed) {
            if (failed.category() == Category.RATE_LIMITED || failed.reply().status() == 429) {
                // MixPay's 1429 is the budget's failure, not the merchant's: the gateway answers with its
                // own envelope and the pause every replica now keeps.
                return done(exchange, headers, budgetExhausted(headers, new BudgetExhausted(
                        "MixPay answered 1429; no call goes to MixPay until its window has passed", failed.retryAfterMillis())));
            }
            // No retry left (or none allowed): the merchant gets MixPay's own last answer.
            return done(exchange, headers, relay(failed.reply(), headers));
        }
        if (failure instanceof BudgetExhausted exhausted) {
            return done(exchange, headers, budgetExhausted(headers, exhausted));
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return circuitOpen(group, exchange, headers);
        }
        GatewayException answer;
        if (failure instanceof GatewayException known) {
            answer = known;
        } else if (failure instanceof BulkheadException) {
            answer = new GatewayException(GatewayError.BULKHEAD_FULL,
                    "route group " + group.name() + " has as many MixPay calls in flight and waiting as it allows");
        } else if (failure instanceof TimeoutException) {
            answer = new GatewayException(GatewayError.UPSTREAM_TIMEOUT, "MixPay did not answer in time");
        } else {
            answer = new GatewayException(GatewayError.INTERNAL, "the gateway failed unexpectedly; see its log",
                    -1, null, 0, failure);
        }
        return done(exchange, headers, Forwarded.failed(answer, headers));
    }

    private static Forwarded budgetExhausted(MultiMap headers, BudgetExhausted exhausted) {
        return Forwarded.failed(new GatewayException(GatewayError.BUDGET_EXHAUSTED, exhausted.getMessage(),
                GatewayError.BUDGET_EXHAUSTED.code(), null, seconds(exhausted.retryAfterMillis()), null), headers);
    }

    /** A fast answer while the group's breaker is open, replaying MixPay's maintenance notice if that opened it. */
    private static Forwarded circuitOpen(RouteGroup group, ProxyExchange exchange, MultiMap headers) {
        headers.set(CIRCUIT, "open");
        Optional<MaintenanceNotice> maintenance = group.maintenanceNotice();
        GatewayException answer;
        if (maintenance.isPresent() && !group.forcedOpen()) {
            MaintenanceNotice notice = maintenance.get();
            answer = new GatewayException(GatewayError.CIRCUIT_OPEN,
                    "MixPay reported maintenance for route group " + group.name() + "; MixPay was not called",
                    notice.code(), notice.message(), notice.retryAfterSeconds(System.currentTimeMillis()), null);
        } else {
            answer = new GatewayException(GatewayError.CIRCUIT_OPEN,
                    "the circuit breaker of route group " + group.name() + " is open; MixPay was not called",
                    -1, null, seconds(group.policy().circuitBreaker().delay().toMillis()), null);
        }
        return done(exchange, headers, Forwarded.failed(answer, headers));
    }

    /**
     * MixPay's answer for the merchant, unless it is an error without an envelope (an HTML 502 from a
     * proxy in front of MixPay, a cut-off body): merchant SDKs read {@code code}, so those become the
     * gateway's own envelope. Readable replies, and unreadable successes, pass through untouched.
     */
    private static Forwarded relay(UpstreamReply reply, MultiMap headers) {
        if (reply.status() >= 400 && reply.inspection().category() == Category.UNPARSEABLE) {
            return Forwarded.failed(new GatewayException(GatewayError.UPSTREAM_INVALID_REPLY,
                    "MixPay answered HTTP " + reply.status() + " without a readable envelope"), headers);
        }
        return Forwarded.replied(reply, headers);
    }

    private static Forwarded done(ProxyExchange exchange, MultiMap headers, Forwarded forwarded) {
        headers.set(ATTEMPTS, Integer.toString(exchange.attempts()));
        return forwarded;
    }

    private static long retryAfterMillis(UpstreamReply reply) {
        String value = reply.headers().get(HttpHeaders.RETRY_AFTER);
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim())) * 1000;
        } catch (NumberFormatException httpDate) {
            // MixPay sends seconds; an HTTP-date is honoured as a one-second pause rather than ignored.
            return 1000;
        }
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
