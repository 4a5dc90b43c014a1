package me.mixpay.gateway.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One merchant worker: checkout after checkout until the run ends, each as MixPay's guide has a merchant
 * do it: list payment and settlement assets, estimate, create a one-time payment, then ask
 * {@code payments_result} every poll interval until MixPay reports it paid.
 * <p>
 * What a failure does, per step: a failed look-up (assets, estimate) is tried again after a pause, as a
 * checkout page reloads; a failed creation ends the checkout as {@code creation failed} (the buyer sees an
 * error, and a creation is not a call a merchant repeats blindly); a failed poll is only counted, the
 * next poll comes at its interval; a payment still unpaid {@code giveUpMs} after its creation ends as
 * {@code gave up}, a {@code failed} one as {@code payment failed}. A checkout the run's end interrupts is
 * {@code unfinished} and not counted as completed.
 */
final class Checkout implements Runnable {

    static final String PAYEE = "8e69e534-d0c4-3e04-8b61-37a73cd9e7d7";
    static final String BTC = "c6d0c728-2624-429b-8e0d-d9d19b6592fa";
    private static final long LOOK_UP_PAUSE_MS = 1000;

    /** Which part of the run a call belongs to, by when it was sent and answered (before, during, after maintenance). */
    interface Phases {
        String of(long sentMs, long answeredMs);
    }

    /** The run's timing, the same for every worker. */
    record Timing(long deadlineMs, long pollIntervalMs, long giveUpMs, Phases phases) {
    }

    /** When MixPay (the simulator) marked a payment paid, epoch ms; null when it cannot say. */
    interface PaidAt {
        Long of(String traceId);
    }

    private final int worker;
    private final MerchantClient client;
    private final CheckoutTally tally;
    private final Timing timing;
    private final long startDelayMs;
    private final PaidAt paidAt;
    /** The merchant's own callback URL sent with each creation, or null for none. */
    private final String callbackUrl;
    private long sequence;

    Checkout(int worker, MerchantClient client, CheckoutTally tally, Timing timing, long startDelayMs, PaidAt paidAt,
            String callbackUrl) {
        this.callbackUrl = callbackUrl;
        this.worker = worker;
        this.client = client;
        this.tally = tally;
        this.timing = timing;
        this.startDelayMs = startDelayMs;
        this.paidAt = paidAt;
    }

    @Override
    public void run() {
        try {
            Thread.sleep(startDelayMs);
            while (running()) {
                tally.outcome(checkout(), System.currentTimeMillis());
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    private String checkout() throws InterruptedException {
        MerchantClient.Reply paying = lookUp("assets", "/v1/setting/payment_assets");
        if (paying == null || lookUp("assets", "/v1/setting/settlement_assets") == null) {
            return "unfinished";
        }
        String asset = pick(paying.envelope().getValue("data"));
        if (lookUp("estimate", "/v1/payments_estimated?paymentAssetId=" + asset + "&settlementAssetId=" + BTC
                + "&quoteAssetId=usd&quoteAmount=10") == null) {
            return "unfinished";
        }
        String orderId = "ck" + worker + "-" + (++sequence) + "-" + UUID.randomUUID().toString().substring(0, 13);
        String order = form("payeeId", PAYEE, "orderId", orderId, "paymentAssetId", asset, "settlementAssetId", BTC,
                "quoteAssetId", "usd", "quoteAmount", "10");
        if (callbackUrl != null) {
            order += "&" + form("callbackUrl", callbackUrl);
        }
        MerchantClient.Reply created = client.postForm("/v1/one_time_payment", order, this::running);
        record("create", created);
        tally.creation(created.ok());
        if (!created.ok()) {
            Thread.sleep(LOOK_UP_PAUSE_MS);
            return "creation failed";
        }
        long createdAt = System.currentTimeMillis();
        while (true) {
            Thread.sleep(timing.pollIntervalMs());
            if (!running()) {
                return "unfinished";
            }
            MerchantClient.Reply result = client.get("/v1/payments_result?orderId=" + orderId + "&payeeId=" + PAYEE, this::running);
            record("poll", result);
            JsonObject data = result.ok() ? result.envelope().getJsonObject("data") : null;
            String status = data == null ? null : data.getString("status");
            if ("success".equals(status)) {
                // Detection: from MixPay marking the payment paid to this merchant's poll seeing it.
                Long paid = paidAt.of(created.envelope().getJsonObject("data").getString("code"));
                if (paid != null && paid > 0) {
                    tally.detected(System.currentTimeMillis() - paid);
                }
                return "completed";
            }
            if ("failed".equals(status)) {
                return "payment failed";
            }
            if (System.currentTimeMillis() - createdAt > timing.giveUpMs()) {
                return "gave up";
            }
        }
    }

    /** A look-up until it succeeds; null if the run ended first. */
    private MerchantClient.Reply lookUp(String kind, String pathAndQuery) throws InterruptedException {
        while (running()) {
            MerchantClient.Reply reply = client.get(pathAndQuery, this::running);
            record(kind, reply);
            if (reply.ok()) {
                return reply;
            }
            Thread.sleep(LOOK_UP_PAUSE_MS);
        }
        return null;
    }

    private void record(String kind, MerchantClient.Reply reply) {
        long now = System.currentTimeMillis();
        tally.call(kind, timing.phases().of(now - reply.latencyMs(), now), reply);
    }

    private boolean running() {
        return System.currentTimeMillis() < timing.deadlineMs();
    }

    /** A buyer's choice among the listed assets (BTC if the list is not one). */
    private static String pick(Object data) {
        if (data instanceof JsonArray list && !list.isEmpty()) {
            Object chosen = list.getValue(ThreadLocalRandom.current().nextInt(list.size()));
            if (chosen instanceof JsonObject asset && asset.getString("assetId") != null) {
                return asset.getString("assetId");
            }
        }
        return BTC;
    }

    private static String form(String... namesAndValues) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.append(i == 0 ? "" : "&").append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }
}
