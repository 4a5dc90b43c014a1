package me.mixpay.gateway.idempotency;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;

import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.envelope.GatewayException;
import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.Forwarder;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.proxy.UpstreamReply;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * One answer per key (docs/exactly-once.md). The first request with a key goes on to MixPay; the same
 * request again joins it while it is in flight on this replica, waits for it on another, and afterwards
 * gets the stored reply without MixPay being called. A different request with the key gets 422. When the
 * key's creation may have reached MixPay without an answer, MixPay is asked ({@link Reconciliation})
 * before anything is sent again, by the merchant's resend or by the payments group's own retry.
 */
@Decorator
@Priority(10)
public class IdempotentForwarder implements Forwarder {

    // Header names as Netty AsciiStrings, whose case-insensitive hash a header map computes once, not per lookup.
    /** How the idempotency layer answered: replay, joined, reconciled, conflict, in_progress or unknown. */
    public static final CharSequence HEADER = HttpHeaders.createOptimized("X-Gateway-Idempotency");
    private static final Logger LOG = Logger.getLogger(IdempotentForwarder.class);
    /** Takeovers lost to another request before this one gives up and says "in progress". */
    private static final int MAX_RACES = 5;

    /** The request holding a key on this replica, which the same request joins. */
    private record Flight(String fingerprint, CompletableFuture<Forwarded> outcome) {
    }

    /** One keyed request: what it is, and the record it holds in the store while it does. */
    private static final class Keyed {
        final ProxyExchange exchange;
        final CreationKey key;
        final String storeKey;
        final RouteGroup group;
        final String fingerprint;
        final String holder = UUID.randomUUID().toString();
        /** The record this request holds in the store, as stored: what its next write must find there. */
        volatile String held;
        volatile boolean reconciled;

        Keyed(ProxyExchange exchange, CreationKey key, RouteGroup group, String fingerprint) {
            this.exchange = exchange;
            this.key = key;
            this.storeKey = RequestFingerprint.storeKey(key.id());
            this.group = group;
            this.fingerprint = fingerprint;
        }
    }

    @Inject
    @Delegate
    Forwarder delegate;
    @Inject
    IdempotencyConfig config;
    @Inject
    ClusterKeyStore store;
    @Inject
    Reconciliation reconciliation;
    @Inject
    IdempotencyMeters meters;
    @Inject
    RouteTable routes;

    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

    @Override
    public Uni<Forwarded> forward(ProxyExchange exchange) {
        if (!config.enabled() || !HttpMethod.POST.equals(exchange.method())) {
            return delegate.forward(exchange);
        }
        Map<String, List<String>> params = BodyParameters.read(exchange);
        CreationKey key = CreationKey.of(exchange, params);
        if (key == null) {
            return delegate.forward(exchange);
        }
        RouteGroup group = routes.match(exchange.method().name(), exchange.path());
        Keyed keyed = new Keyed(exchange, key, group, RequestFingerprint.of(exchange, params));
        Flight mine = new Flight(keyed.fingerprint, new CompletableFuture<>());
        Flight running = flights.putIfAbsent(key.id(), mine);
        if (running != null) {
            return running.fingerprint().equals(keyed.fingerprint) ? join(keyed, running) : Uni.createFrom().item(conflict(keyed));
        }
        Uni<Forwarded> answer;
        try {
            answer = claim(keyed, 0);
        } catch (RuntimeException bug) {
            answer = Uni.createFrom().failure(bug);
        }
        return answer.onItemOrFailure().invoke((forwarded, failure) -> {
            flights.remove(key.id(), mine);
            if (failure == null) {
                mine.outcome().complete(forwarded);
            } else {
                mine.outcome().completeExceptionally(failure);
            }
        });
    }

    /** The same request in flight on this replica: its answer, once it has one. */
    private Uni<Forwarded> join(Keyed keyed, Flight running) {
        meters.joined();
        keyed.exchange.route(keyed.group.name());
        return Uni.createFrom().completionStage(running.outcome()).map(first -> {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(first.headers()).set(HEADER, "joined");
            if (first.reply() == null) {
                return Forwarded.failed(first.failure(), headers);
            }
            UpstreamReply reply = first.reply();
            return Forwarded.replied(new UpstreamReply(reply.status(), MultiMap.caseInsensitiveMultiMap().addAll(reply.headers()),
                    reply.body().copy(), reply.inspection()), headers);
        });
    }

    /** Takes the key, or acts on whoever has it. */
    private Uni<Forwarded> claim(Keyed keyed, int races) {
        if (races > MAX_RACES) {
            return Uni.createFrom().item(inProgress(keyed));
        }
        String mine = KeyRecord.inFlight(keyed.fingerprint, keyed.holder,
                System.currentTimeMillis() + config.inFlightLease().toMillis()).encode();
        return store.putIfAbsent(keyed.storeKey, mine).chain(existing -> {
            if (existing == null) {
                keyed.held = mine;
                // Around a Redis outage another replica may hold this key unseen and have made the payment:
                // MixPay is asked first; if it cannot be, the creation is sent as before.
                return keyed.key.creation() && store.askMixPayFirst(keyed.storeKey) ? reconcileThenSend(keyed, true) : send(keyed);
            }
            return decide(keyed, existing, races);
        });
    }

    private Uni<Forwarded> decide(Keyed keyed, String existing, int races) {
        KeyRecord record = KeyRecord.decode(existing);
        if (record != null && !record.fingerprint().equals(keyed.fingerprint)) {
            return Uni.createFrom().item(conflict(keyed));
        }
        if (record != null && record.state() == KeyRecord.State.DONE) {
            return Uni.createFrom().item(replay(keyed, record.reply()));
        }
        if (record != null && record.state() == KeyRecord.State.IN_FLIGHT && record.leaseUntil() > System.currentTimeMillis()) {
            return waitFor(keyed, races);
        }
        // Unknown, or held by a request whose lease ran out (its replica is gone): whatever it sent may have
        // reached MixPay, so MixPay is asked before anything else is.
        String mine = KeyRecord.inFlight(keyed.fingerprint, keyed.holder,
                System.currentTimeMillis() + config.inFlightLease().toMillis()).encode();
        return store.replace(keyed.storeKey, existing, mine).chain(taken -> {
            if (!taken) {
                return claim(keyed, races + 1);
            }
            keyed.held = mine;
            return keyed.key.creation() ? reconcileThenSend(keyed, false) : send(keyed);
        });
    }

    /** The key is held on another replica: its answer, read from the store, within this request's time. */
    private Uni<Forwarded> waitFor(Keyed keyed, int races) {
        long poll = config.pollInterval().toMillis();
        if (timeLeft(keyed) <= poll) {
            return Uni.createFrom().item(inProgress(keyed));
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(config.pollInterval())
                .chain(waited -> store.get(keyed.storeKey))
                .chain(now -> now == null ? claim(keyed, races + 1) : decide(keyed, now, races));
    }

    /**
     * This request holds a key whose creation is unknown: MixPay is asked first. When it cannot be asked,
     * the creation is sent only if {@code sendUnanswered} (a key kept here while Redis failed, whose
     * creation is no more unknown than any new one's).
     */
    private Uni<Forwarded> reconcileThenSend(Keyed keyed, boolean sendUnanswered) {
        return reconciliation.reconcile(keyed.exchange, keyed.key, timeLeft(keyed))
                .onFailure().recoverWithItem(couldNotAsk -> null)
                .chain(found -> {
                    if (found == null && sendUnanswered) {
                        return send(keyed);
                    }
                    if (found == null) {
                        return keep(keyed, KeyRecord.decode(keyed.held).unknown().encode())
                                .map(kept -> paymentUnknown(keyed));
                    }
                    if (found.isPresent()) {
                        keyed.reconciled = true;
                        Forwarded answer = answered(keyed, found.get(), "reconciled");
                        return keep(keyed, KeyRecord.decode(keyed.held).done(StoredReply.of(found.get())).encode())
                                .map(kept -> answer);
                    }
                    return send(keyed);
                });
    }

    /** Sends the request on, and keeps what became of the key. */
    private Uni<Forwarded> send(Keyed keyed) {
        if (keyed.key.creation()) {
            keyed.exchange.resendCheck(() -> reconciliation.reconcile(keyed.exchange, keyed.key, timeLeft(keyed))
                    .onItem().invoke(found -> keyed.reconciled |= found.isPresent()));
        }
        return delegate.forward(keyed.exchange).chain(forwarded -> {
            if (keyed.reconciled && forwarded.reply() != null) {
                forwarded.headers().set(HEADER, "reconciled");
            }
            return settle(keyed, forwarded).map(settled -> forwarded);
        });
    }

    /** MixPay's success is kept for replay; an unknown creation stays unknown; anything else frees the key. */
    private Uni<Boolean> settle(Keyed keyed, Forwarded forwarded) {
        KeyRecord held = KeyRecord.decode(keyed.held);
        UpstreamReply reply = forwarded.reply();
        if (reply != null && reply.inspection().isSuccess()) {
            if (reply.body().length() <= config.maxReplySize().asLongValue()) {
                return keep(keyed, held.done(StoredReply.of(reply)).encode());
            }
            // Too large to keep: a resend is answered from MixPay's look-ups instead.
            return keep(keyed, held.unknown().encode());
        }
        if (keyed.exchange.unsettled() && keyed.key.creation()) {
            return keep(keyed, held.unknown().encode());
        }
        return store.remove(keyed.storeKey, keyed.held).onFailure().recoverWithItem(false);
    }

    private Uni<Boolean> keep(Keyed keyed, String next) {
        return store.replace(keyed.storeKey, keyed.held, next).onFailure().recoverWithItem(failure -> {
            LOG.warnf("request %s: its key's outcome could not be kept: %s", keyed.exchange.requestId(), failure.getMessage());
            return false;
        });
    }

    private Forwarded replay(Keyed keyed, StoredReply stored) {
        meters.replayed();
        return answered(keyed, stored.toReply(), "replay");
    }

    private Forwarded answered(Keyed keyed, UpstreamReply reply, String how) {
        keyed.exchange.route(keyed.group.name());
        return Forwarded.replied(reply, gatewayHeaders(keyed, how));
    }

    private Forwarded conflict(Keyed keyed) {
        meters.conflict();
        keyed.exchange.route(keyed.group.name());
        return Forwarded.failed(new GatewayException(GatewayError.IDEMPOTENCY_CONFLICT,
                "this request's key (its payment's traceId or payeeId and orderId, or its Idempotency-Key) belongs to a "
                        + "different request; nothing was forwarded"), gatewayHeaders(keyed, "conflict"));
    }

    private Forwarded inProgress(Keyed keyed) {
        meters.inProgress();
        keyed.exchange.route(keyed.group.name());
        return Forwarded.failed(new GatewayException(GatewayError.IDEMPOTENCY_IN_PROGRESS,
                "the same request is still being answered by another gateway replica; nothing was forwarded, send it again",
                GatewayError.IDEMPOTENCY_IN_PROGRESS.code(), null, 1, null), gatewayHeaders(keyed, "in_progress"));
    }

    private Forwarded paymentUnknown(Keyed keyed) {
        keyed.exchange.route(keyed.group.name());
        return Forwarded.failed(new GatewayException(GatewayError.PAYMENT_UNKNOWN,
                "an earlier attempt of this creation may have reached MixPay and MixPay could not be asked whether the payment "
                        + "exists; nothing was sent again. Sending it again is safe",
                GatewayError.PAYMENT_UNKNOWN.code(), null, 1, null), gatewayHeaders(keyed, "unknown"));
    }

    private static MultiMap gatewayHeaders(Keyed keyed, String how) {
        return MultiMap.caseInsensitiveMultiMap().set("X-Gateway-Route", keyed.group.name())
                .set("X-Gateway-Attempts", Integer.toString(keyed.exchange.attempts())).set(HEADER, how);
    }

    /** What is left of the request's overall timeout, less a margin so the answer is the gateway's, never a timeout. */
    private static long timeLeft(Keyed keyed) {
        return keyed.group.policy().timeout().overall().toMillis() - 250
                - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - keyed.exchange.startNanos());
    }
}
