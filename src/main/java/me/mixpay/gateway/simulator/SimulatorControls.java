package me.mixpay.gateway.simulator;

import java.time.Duration;
import java.util.regex.Pattern;

import io.quarkus.runtime.configuration.DurationConverter;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The simulator's own endpoints under {@code /_simulator} (never forwarded: the gateway only proxies
 * {@code /v1/**}). They play the payer and the observer, which MixPay's API has no calls for. Listed in
 * {@link MixPaySimulator}'s javadoc.
 */
final class SimulatorControls {

    private static final Pattern FAILURE_CODE = Pattern.compile("[0-9]{1,9}");

    private final SimulatedPayments payments;
    private final RequestJournal journal;
    private final SimulatedMaintenance maintenance;
    private final SimulatedCallbacks callbacks;
    private final Runnable reset;

    SimulatorControls(SimulatedPayments payments, RequestJournal journal, SimulatedMaintenance maintenance,
            SimulatedCallbacks callbacks, Runnable reset) {
        this.payments = payments;
        this.journal = journal;
        this.maintenance = maintenance;
        this.callbacks = callbacks;
        this.reset = reset;
    }

    void mount(Router router) {
        router.post("/_simulator/payments/:traceId/pay").handler(rc -> settle(rc, PaymentStatus.SUCCESS, "0"));
        router.post("/_simulator/payments/:traceId/fail").handler(rc -> {
            String code = rc.queryParams().get("failureCode");
            if (code != null && !FAILURE_CODE.matcher(code).matches()) {
                reply(rc, 400, new JsonObject().put("error", "failureCode must be a number, e.g. 40000"));
                return;
            }
            settle(rc, PaymentStatus.FAILED, code == null ? "40000" : code);
        });
        router.get("/_simulator/payments/:traceId").handler(rc -> payments.byTraceId(rc.pathParam("traceId"))
                .ifPresentOrElse(p -> reply(rc, 200, describe(p)), () -> unknown(rc)));
        router.get("/_simulator/requests").handler(rc -> {
            String since = rc.queryParams().get("since");
            long sinceMs;
            try {
                sinceMs = since == null ? 0 : Long.parseLong(since);
            } catch (NumberFormatException notANumber) {
                reply(rc, 400, new JsonObject().put("error", "since is epoch milliseconds"));
                return;
            }
            reply(rc, 200, journal.toJson(sinceMs));
        });
        router.get("/_simulator/callbacks").handler(rc -> reply(rc, 200, callbacks.toJson()));
        router.post("/_simulator/maintenance").handler(this::beginMaintenance);
        router.delete("/_simulator/maintenance").handler(rc -> {
            maintenance.end();
            replyMaintenance(rc);
        });
        router.get("/_simulator/maintenance").handler(this::replyMaintenance);
        router.post("/_simulator/reset").handler(rc -> {
            reset.run();
            reply(rc, 200, new JsonObject().put("reset", true));
        });
        router.route("/_simulator/*").handler(rc -> reply(rc, 404, new JsonObject().put("error", "no such control")));
    }

    private void beginMaintenance(RoutingContext rc) {
        String code = rc.queryParams().get("code");
        long answered = code == null ? 40011 : FAILURE_CODE.matcher(code).matches() ? Long.parseLong(code) : -1;
        if (!SimulatedMaintenance.CODES.contains(answered)) {
            reply(rc, 400, new JsonObject().put("error", "code is a maintenance code: " + SimulatedMaintenance.CODES));
            return;
        }
        Duration length;
        try {
            length = DurationConverter.parseDuration(rc.queryParams().get("for"));
        } catch (RuntimeException unreadable) {
            length = null;
        }
        if (length == null || length.isNegative() || length.isZero()) {
            reply(rc, 400, new JsonObject().put("error", "for is a positive duration, e.g. 60s"));
            return;
        }
        maintenance.begin(System.currentTimeMillis(), length.toMillis(), answered);
        replyMaintenance(rc);
    }

    private void replyMaintenance(RoutingContext rc) {
        long now = System.currentTimeMillis();
        long code = maintenance.codeAt(now);
        reply(rc, 200, new JsonObject().put("maintenance", code != 0).put("code", code == 0 ? null : code)
                .put("leftMs", code == 0 ? 0 : maintenance.leftAt(now)));
    }

    /** Paying a paid payment again is fine; paying a failed one (or failing a paid one) is a conflict. */
    private void settle(RoutingContext rc, PaymentStatus to, String failureCode) {
        payments.byTraceId(rc.pathParam("traceId")).ifPresentOrElse(payment -> {
            boolean changed = payment.settle(to, failureCode, System.currentTimeMillis());
            if (changed) {
                callbacks.settled(payment);
            }
            reply(rc, changed || payment.status() == to ? 200 : 409, describe(payment));
        }, () -> unknown(rc));
    }

    private static JsonObject describe(SimulatedPayment payment) {
        SimulatedPayment.Terms t = payment.terms();
        return new JsonObject().put("traceId", t.traceId()).put("orderId", t.orderId()).put("payeeId", t.payeeId())
                .put("status", payment.status().wire()).put("failureCode", payment.standing().failureCode())
                .put("quoteAmount", t.quoteAmount()).put("quoteAssetId", t.quoteAssetId())
                .put("settledAtMs", payment.standing().settledAtMs()).put("callbackUrl", t.callbackUrl());
    }

    private static void unknown(RoutingContext rc) {
        reply(rc, 404, new JsonObject().put("error", "no payment with that traceId"));
    }

    private static void reply(RoutingContext rc, int status, JsonObject body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
