package me.mixpay.gateway.cache;

import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;

import me.mixpay.gateway.budget.RequestBudget;
import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.cluster.ClusterLink;
import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.Forwarder;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.proxy.UpstreamReply;
import me.mixpay.gateway.resilience.ResilientForwarder;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * Answers GETs of idempotent route groups without MixPay where it can: from a cached success reply
 * (fresh: {@code hit}; past its TTL while MixPay cannot answer: {@code stale}), or by sharing a call
 * already in flight for the same question ({@code coalesced}). Everything else goes on to MixPay
 * ({@code miss}) and, when it may be kept, is stored on the way back. Hits spend no budget.
 */
@Startup
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class LookupCache {

    private static final Logger LOG = Logger.getLogger(LookupCache.class);
    // Header names as Netty AsciiStrings, whose case-insensitive hash a header map computes once, not per lookup.
    public static final CharSequence CACHE = HttpHeaders.createOptimized("X-Gateway-Cache");
    static final CharSequence STALE_REASON = HttpHeaders.createOptimized("X-Gateway-Stale-Reason");
    /** On polls: the interval in force, in seconds; asking more often only gets the same answer. */
    static final CharSequence POLL_INTERVAL = HttpHeaders.createOptimized("X-Gateway-Poll-Interval");

    private final RouteTable routes;
    private final RequestBudget budget;
    private final boolean coalesce;
    private final ReplyStore store;
    private final CacheMeters meters;
    private final InFlightCalls inFlight = new InFlightCalls();
    private final WaitingPolls waitingPolls = new WaitingPolls();
    /** Payments whose creation carried the gateway's callback URL, by {@link PaymentPoll} identity; a day covers a payment's life. */
    private final Cache<String, Boolean> expectedCallbacks = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(java.time.Duration.ofHours(24)).build();
    /** Groups whose GETs may be answered here; others go straight on. */
    private final Map<String, CachePolicy> policies = new HashMap<>();

    LookupCache(GatewayConfig config, RouteTable routes, RequestBudget budget, ClusterLink cluster, MeterRegistry registry) {
        this.routes = routes;
        this.budget = budget;
        GatewayConfig.ReplyCache bounds = config.cache();
        this.coalesce = bounds.coalesce();
        this.store = new ReplyStore(bounds.maxEntries(), bounds.maxBytes().asLongValue(),
                bounds.shared() ? cluster.redis() : java.util.Optional.empty());
        this.meters = new CacheMeters(registry, store);
        if (bounds.shared()) {
            // A payment verified by another replica is in Redis: the polls waiting here for it hear of it
            // at the next heartbeat, one read per payment they wait for, and only while some wait.
            cluster.onTick(this::answerWaitingPollsVerifiedElsewhere);
        }
        for (RouteGroup group : routes.groups()) {
            if (group.policy().idempotent()) {
                CachePolicy policy = new CachePolicy(group.policy(), budget);
                policies.put(group.name(), policy);
                meters.register(group.name(), policy.stores() && !policy.polls());
                if (policy.polls()) {
                    meters.pollInterval(group.name(), policy);
                }
            }
        }
    }

    Uni<Forwarded> forward(ProxyExchange exchange, Forwarder next) {
        if (!HttpMethod.GET.equals(exchange.method())) {
            return next.forward(exchange);
        }
        RouteGroup group = routes.match(exchange.method().name(), exchange.path());
        CachePolicy policy = policies.get(group.name());
        // A request with credentials may get an answer meant for its sender alone: never shared.
        if (policy == null || exchange.header(HttpHeaders.AUTHORIZATION) != null || exchange.header(HttpHeaders.COOKIE) != null) {
            return next.forward(exchange);
        }
        if (!policy.stores() && !coalesce) {
            return next.forward(exchange);
        }
        exchange.route(group.name());
        CacheKey key = CacheKey.of(exchange);
        if (!policy.stores()) {
            return fetch(key, exchange, group, policy, next).map(outcome -> counted(group, policy, outcome));
        }
        String payment = policy.polls() ? PaymentPoll.of(exchange) : null;
        return store.get(key, entry -> policy.freshAt(entry, System.currentTimeMillis(), false)).chain(entry -> {
            if (payment == null || (entry != null && !entry.paced())) {
                return answer(key, exchange, group, policy, next, entry, null, false);
            }
            // A pending (or no) answer: a verified callback may have made the payment final since.
            return verifiedAnswer(payment)
                    .chain(verified -> {
                        long now = System.currentTimeMillis();
                        if (verified != null) {
                            policy.settled(key);
                            return Uni.createFrom().item(pacedAnswer(group, policy, verified, CacheMeters.HIT, null, now));
                        }
                        return answer(key, exchange, group, policy, next, entry, payment, expectedCallbacks.getIfPresent(payment) != null);
                    });
        });
    }

    /**
     * The answer from this replica's entry, or MixPay's. {@code payment}: the pending payment a plain poll
     * asks about, or null. {@code callbackExpected}: the payment's callback will make its answer fresh, so
     * a pending answer stands for as long as the slowest poll interval.
     */
    private Uni<Forwarded> answer(CacheKey key, ProxyExchange exchange, RouteGroup group, CachePolicy policy, Forwarder next,
            CachedReply entry, String payment, boolean callbackExpected) {
        long now = System.currentTimeMillis();
        if (policy.polls() && (entry == null || entry.paced())) {
            policy.polled(key);
        }
        if (entry != null && policy.freshAt(entry, now, callbackExpected)) {
            if (policy.revalidates(entry, now)) {
                revalidate(key, exchange, group, policy, next);
            }
            return Uni.createFrom().item(pacedAnswer(group, policy, entry, CacheMeters.HIT, null, now));
        }
        CachedReply stale = entry != null && policy.standsIn(entry, now, 0) ? entry : null;
        if (stale != null && !budget.roomFor(group.priority())) {
            // An older answer now rather than a wait for budget that a creation may need more. A pending
            // payment's status is still MixPay's latest word on it: a hit, with its Age.
            if (stale.paced()) {
                return Uni.createFrom().item(pacedAnswer(group, policy, stale, CacheMeters.HIT, null, now));
            }
            // One refresh waits for the room instead of the callers: without it, an entry asked for only
            // while the budget is short would age past max-stale, and its next callers would all wait on
            // one call and be released together (a herd of the creations that follow a look-up).
            revalidate(key, exchange, group, policy, next);
            return Uni.createFrom().item(answer(group, stale, CacheMeters.STALE, "budget_exhausted", now));
        }
        if (stale == null) {
            // Nothing can answer in MixPay's place: a refusal now stalls a checkout a step before its
            // creation, and retried, costs its merchant the whole look-up again. A look-up that has a
            // stale answer waits in its own class; one with none is served with the polls, in turn.
            exchange.priority(policy.classWhenNothingAnswers());
        }
        Uni<Forwarded> asked = fetch(key, exchange, group, policy, next).map(result -> {
            long answeredAt = System.currentTimeMillis();
            String unavailable = stale == null ? null : unavailable(result);
            return unavailable == null || !policy.standsIn(stale, answeredAt, answeredAt - now) ? result
                    : pacedAnswer(group, policy, stale, CacheMeters.STALE, unavailable, answeredAt);
        });
        return (payment == null ? asked : orVerified(key, payment, exchange, group, policy, asked))
                .map(answer -> counted(group, policy, answer));
    }

    /**
     * A poll that must ask MixPay is answered by its payment's verified callback if that is recorded on this
     * replica first. Most such polls wait for budget while the window is full, and the callback's check goes
     * before them: the merchant hears at once rather than at its next poll, and its call, no longer wanted,
     * leaves the budget queue, as a rule without spending one.
     */
    private Uni<Forwarded> orVerified(CacheKey key, String payment, ProxyExchange exchange, RouteGroup group, CachePolicy policy,
            Uni<Forwarded> asked) {
        Uni<Raced> fromMixPay = asked.map(result -> {
            // A call that failed while the payment's verified answer came (a coalesced poll whose leader the
            // callback answered and withdrew, a deadline) yields to that answer.
            CachedReply verified = result.failure() == null ? null : verifiedHere(payment);
            return new Raced(verified == null ? result : null, verified);
        });
        Uni<Raced> fromCallback = waitingPolls.verified(payment, () -> verifiedHere(payment)).map(entry -> new Raced(null, entry));
        return Uni.combine().any().of(fromMixPay, fromCallback).map(raced -> {
            if (raced.verified() == null) {
                return raced.forwarded();
            }
            // Marked answered only now the race is decided: marked before, its withdrawn call's failure could
            // reach the race first and be the merchant's answer.
            exchange.answered(true);
            budget.dropUnwanted();
            policy.settled(key);
            meters.answeredWaiting();
            return pacedAnswer(group, policy, raced.verified(), CacheMeters.HIT, null, System.currentTimeMillis());
        });
    }

    /** What won a poll's race: MixPay's outcome, or the payment's verified answer. */
    private record Raced(Forwarded forwarded, CachedReply verified) {
    }

    /**
     * A payment's callback will come (its creation carried the gateway's callback URL): its pending polls
     * may be answered from the cache for longer ({@link CachePolicy#freshAt}).
     */
    public void expectCallback(String traceId, String payeeId, String orderId) {
        for (String payment : new String[] { PaymentPoll.byTrace(traceId), PaymentPoll.byOrder(payeeId, orderId) }) {
            if (payment != null) {
                expectedCallbacks.put(payment, Boolean.TRUE);
            }
        }
    }

    /**
     * A final {@code payments_result} answer the gateway verified (a callback's): every plain poll of the
     * payment, on every replica sharing the cache, is answered with it from now on, without MixPay.
     */
    public void answerFinal(String traceId, String payeeId, String orderId, UpstreamReply reply) {
        RouteGroup group = routes.match(HttpMethod.GET.name(), PaymentPoll.PATH);
        CachePolicy policy = policies.get(group.name());
        if (policy == null || !policy.polls()) {
            return;
        }
        CachedReply entry = policy.entryFor(reply, System.currentTimeMillis());
        if (entry == null || entry.paced()) {
            return;
        }
        for (String payment : new String[] { PaymentPoll.byTrace(traceId), PaymentPoll.byOrder(payeeId, orderId) }) {
            if (payment != null) {
                store.put(PaymentPoll.verifiedKey(payment), entry);
                expectedCallbacks.invalidate(payment);
                waitingPolls.settle(payment, entry);
            }
        }
    }

    private void answerWaitingPollsVerifiedElsewhere() {
        for (String payment : waitingPolls.payments()) {
            verifiedAnswer(payment).subscribe().with(
                    verified -> {
                        if (verified != null) {
                            waitingPolls.settle(payment, verified);
                        }
                    },
                    unreadable -> LOG.debugf(unreadable, "could not read a payment's verified answer from Redis"));
        }
    }

    /** The payment's verified final answer while it is fresh, from this replica or Redis; null when there is none. */
    private Uni<CachedReply> verifiedAnswer(String payment) {
        return store.get(PaymentPoll.verifiedKey(payment), verified -> verified.freshAt(System.currentTimeMillis()))
                .map(verified -> verified != null && verified.freshAt(System.currentTimeMillis()) ? verified : null);
    }

    /** The same from this replica alone, without a Redis read. */
    private CachedReply verifiedHere(String payment) {
        CachedReply verified = store.local(PaymentPoll.verifiedKey(payment));
        return verified != null && verified.freshAt(System.currentTimeMillis()) ? verified : null;
    }

    /** The call for this question: this request's own, or the one already in flight for it. */
    private Uni<Forwarded> fetch(CacheKey key, ProxyExchange exchange, RouteGroup group, CachePolicy policy, Forwarder next) {
        InFlightCalls.Joined joined = coalesce ? inFlight.join(key, () -> call(key, exchange, policy, next))
                : new InFlightCalls.Joined(call(key, exchange, policy, next), true);
        String result = joined.leader() ? CacheMeters.MISS : CacheMeters.COALESCED;
        return joined.outcome().map(outcome -> tagged(outcome, result, joined.leader()));
    }

    /**
     * Counts MixPay's own outcome ({@code miss}, {@code coalesced}) once it is the request's answer: a stale
     * stand-in or a verified answer may still take its place, and is counted where it is made.
     */
    private Forwarded counted(RouteGroup group, CachePolicy policy, Forwarded answer) {
        String result = answer.headers().get(CACHE);
        if (!CacheMeters.MISS.equals(result) && !CacheMeters.COALESCED.equals(result)) {
            return answer;
        }
        meters.answered(group.name(), result);
        return paced(group, policy, answer, 0);
    }

    private Uni<Forwarded> call(CacheKey key, ProxyExchange exchange, CachePolicy policy, Forwarder next) {
        return next.forward(exchange).invoke(outcome -> keep(key, policy, outcome));
    }

    private void keep(CacheKey key, CachePolicy policy, Forwarded outcome) {
        UpstreamReply reply = outcome.reply();
        if (reply == null || !policy.stores()) {
            return;
        }
        CachedReply entry = policy.entryFor(reply, System.currentTimeMillis());
        if (entry != null) {
            store.put(key, entry);
            if (policy.polls() && !entry.paced()) {
                policy.settled(key);
            }
        }
    }

    /** Refreshes an entry near its end once, while its callers keep getting it. */
    private void revalidate(CacheKey key, ProxyExchange exchange, RouteGroup group, CachePolicy policy, Forwarder next) {
        if (inFlight.running(key)) {
            return;
        }
        ProxyExchange refresh = exchange.sibling("-revalidate");
        refresh.route(group.name());
        inFlight.join(key, () -> call(key, refresh, policy, next)).outcome().subscribe().with(
                outcome -> meters.revalidated(group.name(), outcome.reply() != null && outcome.reply().inspection().isSuccess()),
                failure -> {
                    meters.revalidated(group.name(), false);
                    LOG.debugf(failure, "background refresh of a cached %s reply failed", group.name());
                });
    }

    /**
     * Why MixPay could not answer, when that is what happened: maintenance, an open breaker, no budget,
     * a failure on the way. A reply about the request itself (a wrong parameter) is no reason for a
     * stale answer: it is the answer.
     */
    static String unavailable(Forwarded outcome) {
        if (outcome.failure() != null) {
            int status = outcome.failure().error().status();
            return status >= 500 || status == 429 ? outcome.failure().error().reason() : null;
        }
        UpstreamReply reply = outcome.reply();
        Category category = reply.inspection().category();
        if (category == Category.MAINTENANCE || category == Category.TRANSIENT || category == Category.RATE_LIMITED) {
            return category.label();
        }
        return reply.status() >= 500 ? "upstream_status_" + reply.status() : null;
    }

    private Forwarded answer(RouteGroup group, CachedReply entry, String result, String reason, long now) {
        meters.answered(group.name(), result);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .set(ResilientForwarder.ROUTE, group.name())
                .set(ResilientForwarder.ATTEMPTS, "0")
                .set(CACHE, result)
                .set("Age", Long.toString(entry.ageSeconds(now)));
        if (reason != null) {
            headers.set(STALE_REASON, reason);
        }
        return Forwarded.replied(entry.reply(), headers);
    }

    /**
     * Each caller's own copy of the outcome: the headers say how this caller was answered, and a
     * follower gets its own body buffer, since a buffer is written once.
     */
    private static Forwarded tagged(Forwarded outcome, String result, boolean leader) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(outcome.headers()).set(CACHE, result);
        if (!leader) {
            headers.set(ResilientForwarder.ATTEMPTS, "0");
        }
        if (outcome.reply() == null) {
            return Forwarded.failed(outcome.failure(), headers);
        }
        UpstreamReply reply = outcome.reply();
        return Forwarded.replied(leader ? reply
                : new UpstreamReply(reply.status(), reply.headers(), reply.body().copy(), reply.inspection()), headers);
    }

    /** A cached answer ({@link #answer}), paced as a poll's when it is one. */
    private Forwarded pacedAnswer(RouteGroup group, CachePolicy policy, CachedReply entry, String result, String reason, long now) {
        return paced(group, policy, answer(group, entry, result, reason, now), entry.ageSeconds(now));
    }

    /**
     * Tells a poller how often asking is worth it, so a client can follow the gateway's pace; a poll's
     * answer is counted with its age ({@code ageSeconds}: 0 for MixPay's own reply).
     */
    private Forwarded paced(RouteGroup group, CachePolicy policy, Forwarded answer, long ageSeconds) {
        if (policy.polls()) {
            answer.headers().set(POLL_INTERVAL, Long.toString((policy.pollIntervalMillis() + 999) / 1000));
            meters.pollAnswered(group.name(), ageSeconds);
        }
        return answer;
    }
}
