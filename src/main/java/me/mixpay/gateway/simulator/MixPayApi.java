package me.mixpay.gateway.simulator;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The simulator's MixPay side: every request outside {@code /_simulator}. In order: it is journaled (MixPay
 * saw it, whatever follows), counted against the rate limit, refused during maintenance, delayed, possibly
 * made to misbehave, and otherwise answered by its endpoint; a creation's reply may wait
 * {@code creation-delay} more.
 */
final class MixPayApi {

    private final SimulatorSettings settings;
    private final SimulatedEndpoints endpoints;
    private final SimulatedRateLimit rateLimit;
    private final RequestJournal journal;
    private final SimulatedMaintenance maintenance;

    MixPayApi(SimulatorSettings settings, SimulatedEndpoints endpoints, SimulatedRateLimit rateLimit, RequestJournal journal,
            SimulatedMaintenance maintenance) {
        this.settings = settings;
        this.endpoints = endpoints;
        this.rateLimit = rateLimit;
        this.journal = journal;
        this.maintenance = maintenance;
    }

    void handle(RoutingContext rc) {
        long now = System.currentTimeMillis();
        String method = rc.request().method().name();
        String path = rc.request().path();
        String endpoint = SimulatedEndpoints.endpointOf(method, path);
        MultiMap params = RequestParameters.read(rc);
        boolean creation = SimulatedEndpoints.isCreation(endpoint);
        RequestJournal.Entry entry = journal.arrived(now, method, path, endpoint, caller(rc),
                creation ? params.get("orderId") : null, creation ? params.get("payeeId") : null);

        SimulatedRateLimit.Decision quota = rateLimit.admit(caller(rc), now);
        if (rateLimit.enabled()) {
            rc.response().putHeader("x-ratelimit-limit", Integer.toString(quota.limit()))
                    .putHeader("x-ratelimit-remaining", Integer.toString(quota.remaining()));
        }
        if (!quota.admitted()) {
            answer(rc, entry, Answer.error(1429));
            return;
        }
        long outOfService = maintenance.codeAt(now);
        if (outOfService != 0) {
            answer(rc, entry, Answer.error(outOfService));
            return;
        }
        MultiMap headers = rc.request().headers();
        boolean misbehave = ThreadLocalRandom.current().nextDouble() < settings.faultRatio();
        Optional<SimulatedFault> fault = SimulatedFault.parse(headers.get("X-Simulate-Fault"))
                .or(() -> misbehave ? settings.fault() : Optional.empty());
        Optional<Long> forced = headers.contains("X-Simulate-Code")
                ? Optional.of(parseLong(headers.get("X-Simulate-Code"), -1))
                : misbehave ? settings.code().map(Integer::longValue) : Optional.empty();
        long delay = parseLong(headers.get("X-Simulate-Delay-Ms"), settings.delay().toMillis());
        later(rc, delay, () -> {
            if (fault.isPresent() && fault.get() == SimulatedFault.RESET_AFTER_CREATION) {
                SimulatedEndpoints.Reply reply = endpoints.answer(endpoint, path, params);
                if (reply.creation() != null) {
                    journal.created(entry, reply.creation());
                }
                rc.request().connection().close();
            } else if (fault.isPresent()) {
                misbehave(rc, fault.get());
            } else if (forced.isPresent()) {
                answer(rc, entry, Answer.error(forced.get()));
            } else {
                SimulatedEndpoints.Reply reply = endpoints.answer(endpoint, path, params);
                if (reply.creation() != null) {
                    journal.created(entry, reply.creation());
                }
                long extra = creation && reply.answer().code() == 0
                        ? parseLong(headers.get("X-Simulate-Creation-Delay-Ms"), settings.creationDelay().toMillis()) : 0;
                later(rc, extra, () -> answer(rc, entry, reply.answer()));
            }
        });
    }

    private void answer(RoutingContext rc, RequestJournal.Entry entry, Answer answer) {
        journal.answered(entry, answer.code());
        MixPayReply.write(rc, answer);
    }

    private static void later(RoutingContext rc, long delayMs, Runnable action) {
        if (delayMs > 0) {
            rc.vertx().setTimer(delayMs, ignored -> action.run());
        } else {
            action.run();
        }
    }

    private static void misbehave(RoutingContext rc, SimulatedFault fault) {
        HttpServerResponse response = rc.response();
        switch (fault) {
            case RESET -> rc.request().connection().close();
            case GARBAGE -> response.setStatusCode(200).putHeader("Content-Type", "text/html")
                    .end("<html><body>502 Bad Gateway</body></html>");
            case TRUNCATE -> {
                response.setStatusCode(200).putHeader("Content-Type", "application/json").putHeader("Content-Length", "400");
                response.write(MixPayReply.truncatedStart());
                rc.request().connection().close();
            }
            case EMPTY -> response.setStatusCode(200).end();
            case HANG, RESET_AFTER_CREATION -> {
                // Nothing: the gateway's read timeout must end the attempt (a reset after creation is handled before).
            }
        }
    }

    private static String caller(RoutingContext rc) {
        return rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().hostAddress();
    }

    private static long parseLong(String value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException notANumber) {
            return fallback;
        }
    }
}
