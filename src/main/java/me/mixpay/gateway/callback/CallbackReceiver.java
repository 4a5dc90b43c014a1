package me.mixpay.gateway.callback;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

import me.mixpay.gateway.cache.LookupCache;
import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.idempotency.BodyParameters;
import me.mixpay.gateway.relay.CallbackRelay;
import me.mixpay.gateway.trace.RequestTrace;

/**
 * Takes one of MixPay's callback posts through the checks of MixPay's security guideline, cheapest first:
 * the URL's token (an HMAC, no I/O), the body's ids against the payment's record, then one
 * {@code payments_result} call whose answer must match the creation's terms. Posts for a payment already
 * verified final get that outcome without a call; posts that arrive while a verification is in flight on
 * this replica join it. A verified final answer goes to the poll cache before MixPay is told
 * {@code SUCCESS}.
 */
@ApplicationScoped
public class CallbackReceiver {

    private static final Logger LOG = Logger.getLogger(CallbackReceiver.class);
    private static final int RECENT_CHECKS = 10_000;

    /**
     * How a post was answered: {@code error} is null when MixPay is told {@code SUCCESS}; {@code finalOutcome}
     * when that answer rests on a final status (a subscribed {@code pending} is accepted without one).
     */
    public record Receipt(GatewayError error, String detail, boolean finalOutcome) {
        static final Receipt ACCEPTED = new Receipt(null, null, true);
        static final Receipt ACCEPTED_NOT_FINAL = new Receipt(null, null, false);

        Receipt(GatewayError error, String detail) {
            this(error, detail, false);
        }

        public boolean accepted() {
            return error == null;
        }
    }

    private final CallbackSetup setup;
    private final PaymentRecords records;
    private final PaymentVerifier verifier;
    private final LookupCache cache;
    private final CallbackMeters meters;
    private final CallbackRelay relay;
    private final RefusalLog refusals = new RefusalLog();
    private final Map<String, CompletableFuture<Receipt>> verifying = new ConcurrentHashMap<>();
    /**
     * When this replica last had MixPay's answer about a payment, for the payments checked within
     * {@code recheck-after}: a valid token, however it was learnt, buys at most one call per payment and
     * interval here. Bounded, as the records' own cache is ({@link PaymentRecords}).
     */
    private final Cache<String, Long> checks;
    /** How long MixPay's post waits for the verification before it is told to try again. */
    private final java.time.Duration answerWithin;
    private final long recheckAfterMillis;

    CallbackReceiver(CallbackSetup setup, PaymentRecords records, PaymentVerifier verifier, LookupCache cache,
            CallbackMeters meters, CallbackRelay relay, CallbackConfig config) {
        this.answerWithin = config.verifyTimeout();
        this.recheckAfterMillis = config.recheckAfter().toMillis();
        this.checks = Caffeine.newBuilder().maximumSize(RECENT_CHECKS).expireAfterWrite(config.recheckAfter()).build();
        this.relay = relay;
        this.setup = setup;
        this.records = records;
        this.verifier = verifier;
        this.cache = cache;
        this.meters = meters;
    }

    Uni<Receipt> receive(String ref, String token, Buffer body, String contentType, String peer, String requestId, RequestTrace trace) {
        long arrived = System.nanoTime();
        meters.received();
        if (!setup.urls().verifies(ref, token)) {
            return Uni.createFrom().item(refuse(CallbackMeters.BAD_TOKEN, peer, requestId));
        }
        Map<String, List<String>> ids = BodyParameters.read(body, contentType);
        String payeeId = BodyParameters.first(ids, "payeeId");
        if (payeeId == null || (BodyParameters.first(ids, "orderId") == null && BodyParameters.first(ids, "traceId") == null)) {
            return Uni.createFrom().item(refuse(CallbackMeters.MALFORMED, peer, requestId));
        }
        return records.find(ref).chain(record -> {
            if (record == null) {
                return Uni.createFrom().item(refuse(CallbackMeters.UNKNOWN_PAYMENT, peer, requestId));
            }
            RequestTrace.link(trace.span(), record.creationTrace());
            if (!sameIds(record, ids)) {
                return Uni.createFrom().item(refuse(CallbackMeters.IDS_MISMATCH, peer, requestId));
            }
            PaymentRecord.Verified known = record.verified();
            if (known != null && known.refusal() != null) {
                // The payment was checked and does not match its creation: the same answer, no new call.
                return Uni.createFrom().item(refuse(known.refusal(), peer, requestId));
            }
            if (known != null && known.isFinal() && !record.subscribedMore()) {
                return Uni.createFrom().item(Receipt.ACCEPTED);
            }
            long checkedAt = Math.max(known == null ? 0 : known.at(), checks.asMap().getOrDefault(record.ref(), 0L));
            if (System.currentTimeMillis() - checkedAt < recheckAfterMillis && !verifying.containsKey(record.ref())) {
                // Checked moments ago: a post now is MixPay's next event (settle after success) or a token
                // holder repeating itself. Neither is told SUCCESS unchecked, nor costs a call; MixPay's next
                // try, 15 s on, is checked.
                meters.deferred(CallbackMeters.RECENTLY_CHECKED);
                return Uni.createFrom().item(new Receipt(GatewayError.CALLBACK_UNVERIFIED,
                        "the payment was checked with MixPay moments ago; send the callback again"));
            }
            CompletableFuture<Receipt> outcome = verification(record, arrived, peer, requestId, trace);
            // A copy: Mutiny cancels the stage it waits on when the wait ends, and the verification itself
            // must go on for the duplicates joining it and for MixPay's next try.
            return Uni.createFrom().completionStage(outcome.copy()).ifNoItem().after(answerWithin)
                    .recoverWithItem(() -> new Receipt(GatewayError.CALLBACK_UNVERIFIED,
                            "the payment is still being verified with MixPay; send the callback again"))
                    .invoke(receipt -> {
                        if (receipt.error() == GatewayError.CALLBACK_UNVERIFIED) {
                            meters.deferred(CallbackMeters.UNVERIFIED);
                        } else if (receipt.error() == GatewayError.CALLBACK_NOT_FINAL) {
                            meters.deferred(CallbackMeters.NOT_FINAL);
                        }
                    });
        });
    }

    /**
     * This replica's verification of the payment and what follows it: the one in flight, or a new one. It
     * runs to its end whether or not MixPay's post still waits for it (a verification may wait for budget
     * longer than MixPay should), so the poll cache and the record learn the outcome either way, and
     * MixPay's next try finds it.
     */
    private CompletableFuture<Receipt> verification(PaymentRecord record, long arrived, String peer, String requestId, RequestTrace trace) {
        CompletableFuture<Receipt> mine = new CompletableFuture<>();
        CompletableFuture<Receipt> running = verifying.putIfAbsent(record.ref(), mine);
        if (running != null) {
            // The check began before this post came and may predate its news (a success posted while the
            // check of the pending event is in flight): only a final outcome answers it.
            return running.thenApply(receipt -> receipt.accepted() && !receipt.finalOutcome()
                    ? new Receipt(GatewayError.CALLBACK_UNVERIFIED, "a check begun before this post found the payment not final; send the callback again")
                    : receipt);
        }
        // Started outside the map's own update: a verification that ends at once (no budget) removes itself.
        verifier.verify(record, requestId, trace).chain(verdict -> settle(record, verdict, arrived, peer, requestId))
                .onTermination().invoke(() -> verifying.remove(record.ref(), mine))
                .subscribe().with(mine::complete, mine::completeExceptionally);
        return mine;
    }

    private Uni<Receipt> settle(PaymentRecord record, PaymentVerifier.Verdict verdict, long arrived, String peer, String requestId) {
        PaymentRecord.Verified outcome = verdict.outcome();
        if (outcome == null) {
            LOG.debugf("callback for request %s could not be verified yet: %s", requestId, verdict.unanswered());
            return Uni.createFrom().item(new Receipt(GatewayError.CALLBACK_UNVERIFIED,
                    "MixPay could not be asked about the payment now; send the callback again"));
        }
        PaymentRecord checked = record.verified(outcome, verdict.traceId());
        checks.put(record.ref(), System.currentTimeMillis());
        if (outcome.refusal() != null) {
            // The payment itself, named: its callback came with a valid token and MixPay disagrees with the
            // creation, which the alert pages on. Once per payment (the outcome is remembered), so no flood.
            LOG.warnf("payment failed verification (%s): orderId %s, traceId %s, payeeId %s; MixPay says %s; request %s",
                    outcome.refusal(), record.orderId(), checked.traceId(), record.payeeId(), outcome.status(), requestId);
            return records.update(checked).map(kept -> refuse(outcome.refusal(), peer, requestId));
        }
        if (!outcome.isFinal() && !record.subscribedMore()) {
            return Uni.createFrom().item(new Receipt(GatewayError.CALLBACK_NOT_FINAL,
                    "MixPay reports the payment " + outcome.status() + "; send the callback again once it is final"));
        }
        if (outcome.isFinal()) {
            cache.answerFinal(checked.traceId(), checked.payeeId(), checked.orderId(), verdict.reply());
            meters.toCache(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - arrived));
            meters.verified(outcome.status());
        }
        // The merchant's event is recorded before MixPay hears SUCCESS: MixPay stops trying once it does.
        Uni<Void> relayed = checked.callbackUrl() == null ? Uni.createFrom().voidItem()
                : relay.relay(RelayedEvent.id(checked), checked.ref(), checked.callbackUrl(), RelayedEvent.body(checked),
                        checked.creationTrace());
        return relayed.chain(kept -> records.update(checked)).replaceWith(outcome.isFinal() ? Receipt.ACCEPTED : Receipt.ACCEPTED_NOT_FINAL)
                .onFailure().recoverWithItem(unstored -> {
                    // Not recorded verified either: MixPay's next try is checked again and stores the event.
                    LOG.warnf("the merchant's callback event for request %s could not be stored (%s): MixPay is told to try again",
                            requestId, unstored.getMessage());
                    return new Receipt(GatewayError.CALLBACK_UNVERIFIED,
                            "the merchant's event could not be stored where it outlives this replica; send the callback again");
                });
    }

    private static boolean sameIds(PaymentRecord record, Map<String, List<String>> ids) {
        return matches(record.payeeId(), BodyParameters.first(ids, "payeeId"))
                && (record.orderId() == null || matches(record.orderId(), BodyParameters.first(ids, "orderId")))
                && (record.traceId() == null || matches(record.traceId(), BodyParameters.first(ids, "traceId")));
    }

    private static boolean matches(String kept, String claimed) {
        return claimed != null && kept.equalsIgnoreCase(claimed);
    }

    private Receipt refuse(String reason, String peer, String requestId) {
        meters.refused(reason);
        refusals.refused(reason, peer, requestId);
        return new Receipt(GatewayError.CALLBACK_REFUSED, "refused: " + reason.replace('_', ' '));
    }
}
