package me.mixpay.gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A merchant's HTTP calls to MixPay (or whatever stands in front of it), in one of two manners: a patient
 * server that waits up to {@code patientTimeout} for each answer, or one that behaves as MixPay's own
 * client {@code mixpayjs} does (shared/mixpay/api/README.md): after its timeout it drops the request and
 * resends the same one every 500 ms, POSTs included, with no limit but the end of the run.
 */
final class MerchantClient {

    /** mixpayjs' pause between a timed-out request and its resend. */
    private static final Duration RESEND_PAUSE = Duration.ofMillis(500);

    /** What the merchant got for one logical call, resends included. */
    record Reply(int status, JsonObject envelope, HttpResponse<String> response, String failure, long latencyMs, int resends) {

        boolean ok() {
            return failure == null && status == 200 && envelope != null && envelope.getLong("code", -1L) == 0;
        }

        Optional<String> header(String name) {
            return response == null ? Optional.empty() : response.headers().firstValue(name);
        }

        /**
         * How the merchant would file a failure: the HTTP status and who answered (the gateway's own
         * {@code gateway.error}, else MixPay's {@code code}, else a body that is not MixPay's envelope,
         * e.g. nginx's HTML 429), or the transport's failure.
         */
        String kind() {
            if (failure != null) {
                return failure;
            }
            if (envelope == null) {
                return status + " not-json";
            }
            JsonObject gateway = envelope.getJsonObject("gateway");
            if (gateway != null) {
                return status + " gateway " + gateway.getString("error") + " (code " + envelope.getValue("code") + ")";
            }
            return status + " code " + envelope.getValue("code");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;
    private final boolean resends;
    private final Duration timeout;

    MerchantClient(String base, String key, boolean resends, Duration clientTimeout, Duration patientTimeout) {
        this.base = base;
        this.key = key;
        this.resends = resends;
        this.timeout = resends ? clientTimeout : patientTimeout;
    }

    boolean resends() {
        return resends;
    }

    Reply get(String pathAndQuery, BooleanSupplier goOn) throws InterruptedException {
        return call(request(pathAndQuery).GET(), goOn);
    }

    Reply postForm(String path, String form, BooleanSupplier goOn) throws InterruptedException {
        return call(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)), goOn);
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout).header("X-Gateway-Key", key);
    }

    /** One logical call; a resending client keeps resending after each timeout while {@code goOn} holds. */
    private Reply call(HttpRequest.Builder builder, BooleanSupplier goOn) throws InterruptedException {
        HttpRequest request = builder.build();
        long start = System.nanoTime();
        int resent = 0;
        while (true) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                return new Reply(response.statusCode(), envelope(response.body()), response, null, millisSince(start), resent);
            } catch (HttpTimeoutException timedOut) {
                if (!resends || !goOn.getAsBoolean()) {
                    return new Reply(0, null, null, "client timeout", millisSince(start), resent);
                }
                Thread.sleep(RESEND_PAUSE.toMillis());
                resent++;
            } catch (IOException broken) {
                return new Reply(0, null, null, "io " + broken.getClass().getSimpleName(), millisSince(start), resent);
            }
        }
    }

    private static JsonObject envelope(String body) {
        try {
            return body == null || body.isBlank() || body.charAt(0) != '{' ? null : new JsonObject(body);
        } catch (DecodeException notJson) {
            return null;
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
