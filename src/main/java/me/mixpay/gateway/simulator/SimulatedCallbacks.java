package me.mixpay.gateway.simulator;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * MixPay's payment callbacks, as its "Payment Callback" page describes them: when a payment succeeds or
 * fails (and for the events its creation subscribed that the simulator has: {@code settle}, at once after
 * a success), a JSON POST of {@code orderId}, {@code traceId} and {@code payeeId} to the creation's
 * {@code callbackUrl}, tried again at 0/15/15/30/180/1800/1800/1800/1800/3600 s (times
 * {@code time-scale}) until the reply is HTTP 200 with {@code "code": "SUCCESS"}. An https URL may be
 * mapped to a local address first ({@code rewrite}), as an ingress in front of a gateway does.
 */
final class SimulatedCallbacks {

    private static final Logger LOG = Logger.getLogger(SimulatedCallbacks.class);
    /** The page's schedule: the wait before each of the ten tries. */
    static final long[] SCHEDULE_SECONDS = { 0, 15, 15, 30, 180, 1800, 1800, 1800, 1800, 3600 };

    /** One try of one event, for {@code GET /_simulator/callbacks}. */
    private record Try(long timeMs, String traceId, String orderId, String event, int attempt, int status, boolean delivered) {
        JsonObject toJson() {
            return new JsonObject().put("timeMs", timeMs).put("traceId", traceId).put("orderId", orderId).put("event", event)
                    .put("attempt", attempt).put("status", status).put("delivered", delivered);
        }
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final double timeScale;
    private final List<String[]> rewrites;
    private final int journalSize;
    private final ConcurrentLinkedDeque<Try> journal = new ConcurrentLinkedDeque<>();
    private volatile long epoch;

    SimulatedCallbacks(Vertx vertx, SimulatorSettings settings) {
        this.vertx = vertx;
        this.timeScale = settings.callbackTimeScale();
        this.rewrites = settings.callbackRewrites().stream().map(rule -> rule.split("=", 2)).filter(pair -> pair.length == 2)
                .toList();
        this.journalSize = settings.journalSize();
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(30)
                .setMaxPoolSize(32).setVerifyHost(true));
    }

    /** A payment has just settled: its callbacks start. */
    void settled(SimulatedPayment payment) {
        SimulatedPayment.Terms terms = payment.terms();
        if (terms.callbackUrl() == null || terms.callbackUrl().isBlank()) {
            return;
        }
        boolean paid = payment.status() == PaymentStatus.SUCCESS;
        send(payment, paid ? "success" : "fail", 0, epoch);
        if (paid && subscribed(terms.callbackEvent(), "settle")) {
            send(payment, "settle", 0, epoch);
        }
    }

    private static boolean subscribed(String events, String event) {
        if (events == null) {
            return false;
        }
        for (String name : events.split("\\|")) {
            if (name.trim().toLowerCase(Locale.ROOT).equals(event)) {
                return true;
            }
        }
        return false;
    }

    private void send(SimulatedPayment payment, String event, int attempt, long startedIn) {
        long delay = Math.round(SCHEDULE_SECONDS[attempt] * 1000 * timeScale);
        if (delay <= 0) {
            post(payment, event, attempt, startedIn);
        } else {
            vertx.setTimer(delay, fired -> post(payment, event, attempt, startedIn));
        }
    }

    private void post(SimulatedPayment payment, String event, int attempt, long startedIn) {
        if (startedIn != epoch) {
            return; // reset since: this payment is forgotten
        }
        SimulatedPayment.Terms terms = payment.terms();
        Buffer body = new JsonObject().put("orderId", terms.orderId()).put("traceId", terms.traceId()).put("payeeId", terms.payeeId())
                .toBuffer();
        String url = target(terms.callbackUrl());
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setTimeout(10_000)
                .setFollowRedirects(false).putHeader("Content-Type", "application/json");
        http.request(request).compose(r -> r.send(body)).compose(reply -> reply.body().map(answer -> {
            boolean delivered = reply.statusCode() == 200 && "SUCCESS".equals(code(answer));
            return delivered ? reply.statusCode() : -reply.statusCode();
        })).onComplete(done -> {
            int status = done.succeeded() ? Math.abs(done.result()) : 0;
            boolean delivered = done.succeeded() && done.result() > 0;
            record(new Try(System.currentTimeMillis(), terms.traceId(), terms.orderId(), event, attempt + 1, status, delivered));
            if (!delivered && attempt + 1 < SCHEDULE_SECONDS.length) {
                send(payment, event, attempt + 1, startedIn);
            } else if (!delivered) {
                LOG.debugf("callback %s of payment %s given up after %d tries", event, terms.traceId(), SCHEDULE_SECONDS.length);
            }
        });
    }

    private static String code(Buffer answer) {
        try {
            return new JsonObject(answer).getString("code");
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    /** The URL the post goes to, after the first rewrite rule whose public prefix it starts with. */
    String target(String callbackUrl) {
        for (String[] rule : rewrites) {
            if (callbackUrl.startsWith(rule[0])) {
                return rule[1] + callbackUrl.substring(rule[0].length());
            }
        }
        return callbackUrl;
    }

    private void record(Try sent) {
        journal.addLast(sent);
        while (journal.size() > journalSize) {
            journal.pollFirst();
        }
    }

    JsonObject toJson() {
        JsonArray tries = new JsonArray();
        journal.forEach(sent -> tries.add(sent.toJson()));
        return new JsonObject().put("tries", tries);
    }

    /** Forgets the journal and stops every pending retry. */
    void clear() {
        epoch++;
        journal.clear();
    }

    void close() {
        http.close();
    }
}
