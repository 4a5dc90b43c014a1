package me.mixpay.gateway.proxy;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

import me.mixpay.gateway.budget.Priority;
import me.mixpay.gateway.budget.RequestBudget;
import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.trace.RequestTrace;

/**
 * A GET the gateway sends MixPay on its own behalf, never from the cache: a creation's reconciliation (a
 * {@code critical} call, as the creation it stands for), a callback's verification (its own class,
 * {@code gateway.callbacks.verify-class}). Each tells the budget what MixPay's reply said of its rate limit.
 */
@ApplicationScoped
public class OwnLookUps {

    /** No reply within the attempt's time. */
    public static final class NoReply extends RuntimeException {
        NoReply(String why) {
            super(why, null, false, false);
        }
    }

    private final UpstreamClient upstream;
    private final RequestBudget budget;

    OwnLookUps(UpstreamClient upstream, RequestBudget budget) {
        this.upstream = upstream;
        this.budget = budget;
    }

    /**
     * MixPay's reply to {@code GET target}, after a wait for budget of at most {@code maxWaitMillis} (a
     * {@link me.mixpay.gateway.budget.BudgetExhausted} failure past it) and an attempt of at most {@code timeout}.
     * On {@code trace} (the request it is sent for) the look-up is a client span and its wait an event.
     */
    public Uni<UpstreamReply> get(String requestId, String merchant, Priority priority, String target, Duration timeout,
            long maxWaitMillis, RequestTrace trace) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json").add(RequestIds.HEADER, requestId);
        ProxyExchange lookUp = new ProxyExchange(requestId, HttpMethod.GET, target, headers, null, System.nanoTime());
        lookUp.trace(trace);
        Uni<Void> call = budget.acquire(priority, merchant, Math.max(1, maxWaitMillis));
        return trace.budgetCall(call, budget::shortageReason, () -> false)
                .chain(granted -> upstream.send(lookUp, timeout)
                        .ifNoItem().after(timeout).failWith(() -> new NoReply("no look-up reply within " + timeout.toMillis() + " ms")))
                .invoke(reply -> {
                    budget.observe(reply.headers());
                    if (reply.inspection().category() == Category.RATE_LIMITED) {
                        budget.rateLimitedByMixPay();
                    }
                });
    }
}
