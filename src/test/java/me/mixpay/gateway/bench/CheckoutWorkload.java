package me.mixpay.gateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonObject;

/**
 * bench/checkout.sh's merchant workload against one target: {@code workers} concurrent {@link Checkout}s
 * for {@code seconds}, closed loop, a {@code resend-share} of them resending on timeout as mixpayjs does,
 * spread over the target's base URLs (two gateway replicas: alternately). It resets the simulator first,
 * so the simulator's journal afterwards counts this target's MixPay calls alone, and with
 * {@code maintenance-at}/{@code maintenance-for} puts MixPay in maintenance for that part of the run.
 * Writes {@code <out>/<target>.json}: the settings, the merchants' tally and the simulator's counts.
 * <p>
 * Usage: {@code CheckoutWorkload name=value ...}, names as in {@link #main}'s defaults.
 */
public final class CheckoutWorkload {

    private CheckoutWorkload() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("workers", "12", "seconds", "180", "resend-share", "0.25",
                "client-timeout-ms", "3300", "patient-timeout-ms", "30000", "poll-interval-ms", "2000", "give-up-ms", "60000",
                "key", "bench-key-0123456789abcdef", "maintenance-at", "0", "maintenance-for", "0"));
        settings.put("ramp-ms", "0");
        // A port for the merchants' own callback endpoint (0: none): creations then ask for callbacks there.
        settings.put("merchant-callbacks-port", "0");
        // How long the merchants' receiver waits after the last checkout for relayed callbacks still on their way.
        settings.put("late-callbacks-ms", "3000");
        for (String arg : args) {
            int equals = arg.indexOf('=');
            settings.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        String target = required(settings, "target");
        String simulator = required(settings, "simulator");
        List<String> bases = List.of(required(settings, "bases").split(","));
        Path out = Path.of(required(settings, "out"));
        int workers = Integer.parseInt(settings.get("workers"));
        long seconds = Long.parseLong(settings.get("seconds"));
        long maintenanceAt = Long.parseLong(settings.get("maintenance-at"));
        long maintenanceFor = Long.parseLong(settings.get("maintenance-for"));
        int resenders = (int) Math.round(workers * Double.parseDouble(settings.get("resend-share")));
        long rampMillis = Long.parseLong(settings.get("ramp-ms"));

        HttpClient control = HttpClient.newHttpClient();
        // Reset before the warm-up as well: the simulator's window for this address may still hold the
        // previous target's last calls, and a gateway believes the x-ratelimit-remaining its warm-up
        // replies report, as it would MixPay's, so it would start with a window others spent.
        send(control, simulator, "POST", "/_simulator/reset");
        warmUp(bases, settings.get("key"));
        send(control, simulator, "POST", "/_simulator/reset");
        long start = System.currentTimeMillis();
        long maintenanceFrom = start + maintenanceAt * 1000;
        MaintenanceClock clock = new MaintenanceClock(maintenanceFor * 1000);
        Checkout.Timing timing = new Checkout.Timing(start + seconds * 1000, Long.parseLong(settings.get("poll-interval-ms")),
                Long.parseLong(settings.get("give-up-ms")), clock);
        CheckoutTally tally = new CheckoutTally(Long.parseLong(settings.get("poll-interval-ms")));
        int callbacksPort = Integer.parseInt(settings.get("merchant-callbacks-port"));
        RelayedCallbacks relayed = callbacksPort > 0 ? RelayedCallbacks.start(callbacksPort) : null;
        String callbackUrl = relayed == null ? null : "http://127.0.0.1:" + callbacksPort + "/hooks/mixpay";
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            MerchantClient client = new MerchantClient(bases.get(i % bases.size()), settings.get("key"), i < resenders,
                    Duration.ofMillis(Long.parseLong(settings.get("client-timeout-ms"))),
                    Duration.ofMillis(Long.parseLong(settings.get("patient-timeout-ms"))));
            // Merchants start one after another over the ramp, not all in the same millisecond.
            Thread thread = new Thread(new Checkout(i, client, tally, timing, i * rampMillis / workers,
                    traceId -> paidAt(control, simulator, traceId), callbackUrl), target + "-merchant-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        if (maintenanceFor > 0) {
            Thread.sleep(Math.max(0, maintenanceFrom - System.currentTimeMillis()));
            clock.asked(System.currentTimeMillis());
            send(control, simulator, "POST", "/_simulator/maintenance?for=" + maintenanceFor + "s");
            clock.begun(System.currentTimeMillis());
        }
        long patience = Long.parseLong(settings.get("patient-timeout-ms")) + 5000;
        for (Thread thread : threads) {
            thread.join(Math.max(1, timing.deadlineMs() + patience - System.currentTimeMillis()));
        }
        long elapsed = System.currentTimeMillis() - start;
        JsonObject relay = null;
        if (relayed != null) {
            // Late deliveries of the last checkouts still count: the merchants' receiver waits a little for them.
            Thread.sleep(Long.parseLong(settings.get("late-callbacks-ms")));
            relay = relayed.summary(traceId -> paidAt(control, simulator, traceId));
            relayed.close();
        }
        // What MixPay saw for this target: everything since the reset (the workers' last calls have ended).
        JsonObject journal = new JsonObject(send(control, simulator, "GET", "/_simulator/requests?since=" + Long.MAX_VALUE));
        JsonObject result = new JsonObject().put("target", target).put("bases", String.join(",", bases))
                .put("startedAtMs", start).put("elapsedMs", elapsed).put("seconds", seconds).put("workers", workers)
                .put("resenders", resenders).put("maintenanceAt", maintenanceAt).put("maintenanceFor", maintenanceFor)
                .put("settings", new JsonObject(new HashMap<>(settings))).put("merchants", tally.toJson())
                .put("mixpay", journal.getJsonObject("counts")).put("relay", relay);
        Files.createDirectories(out);
        Files.writeString(out.resolve(target + ".json"), result.encodePrettily());
        System.out.printf("%s: %d checkouts completed in %d s, MixPay saw %s%n", target, tally.completed(), seconds,
                journal.getJsonObject("counts").encode());
    }

    /** When the simulator settled the payment (its control API, which no gateway forwards), or null. */
    private static Long paidAt(HttpClient control, String simulator, String traceId) {
        try {
            return new JsonObject(send(control, simulator, "GET", "/_simulator/payments/" + traceId)).getLong("settledAtMs");
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception unreadable) {
            return null;
        }
    }

    /**
     * One asset list and one estimate through each base URL, untimed, so a freshly started gateway (and
     * this JVM's HTTP client) answer the run's first checkouts warm; a cold first call took over 2 s on
     * shared cores. The simulator is reset afterwards; a gateway's budget still counts these two calls
     * in its first window.
     */
    private static void warmUp(List<String> bases, String key) throws InterruptedException {
        for (String base : bases) {
            MerchantClient client = new MerchantClient(base, key, false, Duration.ofSeconds(30), Duration.ofSeconds(30));
            client.get("/v1/setting/payment_assets", () -> false);
            client.get("/v1/payments_estimated?paymentAssetId=" + Checkout.BTC + "&settlementAssetId=" + Checkout.BTC
                    + "&quoteAssetId=usd&quoteAmount=10", () -> false);
        }
    }

    /**
     * The simulator's maintenance as the merchants' calls meet it. It begins somewhere between the control
     * being sent and its answer, so a call is {@code maintenance} only if it was sent after the answer and
     * answered before the earliest possible end; one that straddles either edge is {@code edge}.
     */
    private static final class MaintenanceClock implements Checkout.Phases {
        private final long lengthMs;
        private volatile long askedMs = Long.MAX_VALUE;
        private volatile long begunMs = Long.MAX_VALUE;

        MaintenanceClock(long lengthMs) {
            this.lengthMs = lengthMs;
        }

        void asked(long nowMs) {
            askedMs = nowMs;
        }

        void begun(long nowMs) {
            begunMs = nowMs;
        }

        @Override
        public String of(long sentMs, long answeredMs) {
            if (lengthMs == 0) {
                return "none";
            }
            long asked = askedMs;
            long begun = begunMs;
            if (answeredMs < asked) {
                return "before";
            }
            if (begun != Long.MAX_VALUE && sentMs >= begun && answeredMs <= asked + lengthMs) {
                return "maintenance";
            }
            return begun != Long.MAX_VALUE && sentMs > begun + lengthMs ? "after" : "edge";
        }
    }

    private static String required(Map<String, String> settings, String name) {
        String value = settings.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + name + "=...");
        }
        return value;
    }

    private static String send(HttpClient control, String simulator, String method, String path) throws Exception {
        HttpResponse<String> response = control.send(HttpRequest.newBuilder(URI.create(simulator + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
