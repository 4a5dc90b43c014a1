package me.mixpay.gateway.idempotency;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.budget.BudgetExhausted;
import me.mixpay.gateway.budget.Priority;
import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.envelope.Inspection;
import me.mixpay.gateway.proxy.OwnLookUps;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.proxy.UpstreamReply;

/**
 * Asks MixPay whether a payment creation that may have reached it took effect, with the look-ups its pages
 * document: {@code payments_info} by {@code traceId}, {@code payments_result} by {@code orderId} and
 * {@code payeeId}. A payment MixPay knows becomes the creation's answer, rebuilt from the look-ups:
 * {@code data.code} (the payment's traceId, as the refresh page says) for a one-time payment, the payment
 * object of {@code payments_info} plus the request's {@code orderId} for {@code /v1/payments}. Every
 * look-up draws a {@code critical} call from the MixPay budget, like the creation it stands for ({@link OwnLookUps}).
 */
@ApplicationScoped
public class Reconciliation {

    private static final Logger LOG = Logger.getLogger(Reconciliation.class);

    /** What one look-up learnt: the payment's {@code data}, or that MixPay has no such payment (null data). */
    private record Found(JsonObject data) {
    }

    /** A look-up MixPay could not answer usefully: the creation stays unknown. */
    static final class Unanswered extends RuntimeException {
        Unanswered(String why) {
            super(why, null, false, false);
        }
    }

    private final OwnLookUps lookUps;
    private final IdempotencyMeters meters;
    private final Duration timeout;
    private final int attempts;
    private final Set<Long> absentCodes;

    Reconciliation(OwnLookUps lookUps, IdempotencyMeters meters, IdempotencyConfig config) {
        this.lookUps = lookUps;
        this.meters = meters;
        this.timeout = config.lookUp().timeout();
        this.attempts = Math.max(1, config.lookUp().attempts());
        this.absentCodes = config.lookUp().absentCodes();
    }

    /**
     * The creation's answer when the payment exists, empty when MixPay has none, a failure when MixPay
     * could not say. The whole of it (the look-ups, their retries, their waits for budget) ends within
     * {@code withinMillis}, what is left of the request's time; past it MixPay could not say, and the
     * creation stays unknown. A merchant's resend is reconciled outside the group's guards, with no other
     * deadline: when each look-up could wait that long for budget, a resend went unanswered past the
     * merchant's own timeout.
     */
    Uni<Optional<UpstreamReply>> reconcile(ProxyExchange creation, CreationKey key, long withinMillis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMillis);
        Uni<Optional<JsonObject>> payment = key.traceId() != null
                ? info(creation, key.traceId(), until)
                : lookUp(creation, "/v1/payments_result?orderId=" + encode(key.orderId()) + "&payeeId=" + encode(key.payeeId()),
                        until)
                        .chain(result -> {
                            if (result.isEmpty() || key.oneTime()) {
                                return Uni.createFrom().item(result);
                            }
                            String traceId = result.get().getString("traceId");
                            if (traceId == null || traceId.isBlank()) {
                                return Uni.createFrom().failure(new Unanswered("payments_result named no traceId"));
                            }
                            return info(creation, traceId, until).map(info -> {
                                if (info.isEmpty()) {
                                    throw new Unanswered("payments_info does not know the traceId payments_result named");
                                }
                                return info;
                            });
                        });
        return payment.ifNoItem().after(Duration.ofMillis(Math.max(1, withinMillis)))
                .failWith(() -> new Unanswered("no answer from the look-ups within the request's time"))
                .map(found -> found.map(data -> rebuilt(key, data)))
                .onItem().invoke(found -> reconciled(creation, found.isPresent() ? IdempotencyMeters.Reconciled.FOUND
                        : IdempotencyMeters.Reconciled.ABSENT))
                .onFailure().invoke(failure -> {
                    reconciled(creation, IdempotencyMeters.Reconciled.FAILED);
                    LOG.debugf("request %s: MixPay could not be asked about a creation: %s", creation.requestId(), failure.getMessage());
                });
    }

    /** Counted, and an event on the creation's trace: what MixPay said of the payment (found, absent) or failed. */
    private void reconciled(ProxyExchange creation, IdempotencyMeters.Reconciled outcome) {
        meters.reconciled(outcome);
        creation.trace().event("reconciliation", "reconciliation.outcome", outcome.label());
    }

    private Uni<Optional<JsonObject>> info(ProxyExchange creation, String traceId, long until) {
        return lookUp(creation, "/v1/payments_info?traceId=" + encode(traceId), until);
    }

    /** One documented look-up, tried up to {@code look-up.attempts} times; each try takes a critical call. */
    private Uni<Optional<JsonObject>> lookUp(ProxyExchange creation, String target, long until) {
        return Uni.createFrom().deferred(() -> once(creation, target, until))
                .onFailure(failure -> !(failure instanceof BudgetExhausted)).retry()
                .withBackOff(Duration.ofMillis(20), Duration.ofMillis(200)).atMost(attempts - 1L);
    }

    /** One try; its wait for budget ends with the reconciliation's time ({@code until}, nano time). */
    private Uni<Optional<JsonObject>> once(ProxyExchange creation, String target, long until) {
        long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
        return lookUps.get(creation.requestId(), creation.merchant(), Priority.CRITICAL, target, timeout, left, creation.trace())
                .map(this::read);
    }

    private Optional<JsonObject> read(UpstreamReply reply) {
        Inspection inspection = reply.inspection();
        if (inspection.code() != null && absentCodes.contains(inspection.code())) {
            return Optional.empty();
        }
        if (inspection.category() != Category.SUCCESS) {
            throw new Unanswered("look-up answered HTTP " + reply.status() + " code " + inspection.codeLabel());
        }
        try {
            JsonObject data = new JsonObject(reply.body()).getJsonObject("data");
            if (data == null) {
                throw new Unanswered("look-up answered without data");
            }
            return Optional.of(data);
        } catch (ClassCastException | io.vertx.core.json.DecodeException unreadable) {
            throw new Unanswered("look-up reply unreadable");
        }
    }

    /**
     * The creation's reply as MixPay would have sent it. {@code payments_info} carries every field of
     * {@code /v1/payments}' reply but {@code orderId}, which the request itself gives.
     */
    private static UpstreamReply rebuilt(CreationKey key, JsonObject payment) {
        JsonObject data;
        if (key.oneTime()) {
            data = new JsonObject().put("code", key.traceId() != null ? key.traceId() : payment.getString("traceId"));
        } else {
            data = payment.copy();
            if (key.orderId() != null && !data.containsKey("orderId")) {
                data.put("orderId", key.orderId());
            }
        }
        JsonObject envelope = new JsonObject().put("code", 0).put("success", true).put("message", "").put("data", data)
                .put("timestampMs", System.currentTimeMillis());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
        return new UpstreamReply(200, headers, Buffer.buffer(envelope.encode()), new Inspection(Category.SUCCESS, 0L, null));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
