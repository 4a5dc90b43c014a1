package me.mixpay.gateway.deploy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.simulator.MixPaySimulator;

/**
 * What the ITs ask of packaged replicas and of the simulator, over real HTTP: merchant calls, metrics,
 * readiness, and the simulator's journal and payment controls.
 */
final class GatewayCalls {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private GatewayCalls() {
    }

    static HttpResponse<String> get(PackagedGateway replica, String target, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.url(target))).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(PackagedGateway replica, String path, Map<String, String> form, String... headers) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.url(path))).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An admin call on the management port, with the admin token. */
    static HttpResponse<String> admin(PackagedGateway replica, String method, String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(replica.management(path))).timeout(Duration.ofSeconds(20)).header("X-Admin-Token", token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One series of the replica's Prometheus scrape (0 when absent). */
    static double metric(PackagedGateway replica, String series) throws Exception {
        return metrics(replica).lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    static String metrics(PackagedGateway replica) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(replica.management("/q/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The budget's readiness data: store, replicas, and the Redis node in use. */
    static JsonObject budgetReadiness(PackagedGateway replica) throws Exception {
        JsonObject health = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(replica.management("/q/health/ready"))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return health.getJsonArray("checks").stream().map(JsonObject.class::cast).filter(c -> "mixpay-budget".equals(c.getString("name")))
                .findFirst().orElseThrow().getJsonObject("data");
    }

    static void pay(MixPaySimulator mixpay, String traceId) throws Exception {
        HttpResponse<String> paid = HTTP.send(HttpRequest.newBuilder(URI.create(mixpay.baseUrl() + "/_simulator/payments/" + traceId + "/pay"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (paid.statusCode() != 200) {
            throw new AssertionError("the simulator did not pay " + traceId + ": " + paid.body());
        }
    }

    /** The simulator's journal of MixPay calls since {@code sinceMs} (its {@code requests} and {@code counts}). */
    static JsonObject journal(MixPaySimulator mixpay, long sinceMs) throws Exception {
        return new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(mixpay.baseUrl() + "/_simulator/requests?since=" + sinceMs)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Calls to one endpoint (e.g. {@code GET /v1/payments_result}) since {@code sinceMs}. */
    static long calls(MixPaySimulator mixpay, String endpoint, long sinceMs) throws Exception {
        return journal(mixpay, sinceMs).getJsonArray("requests").stream().map(JsonObject.class::cast)
                .filter(r -> endpoint.equals(r.getString("endpoint"))).count();
    }

    /** Whether one of the simulator's callback tries for the payment was answered SUCCESS. */
    static boolean callbackDelivered(MixPaySimulator mixpay, String traceId) throws Exception {
        return callbackTries(mixpay, traceId).stream().anyMatch(t -> t.getBoolean("delivered"));
    }

    /** The simulator's callback tries for one payment, each with the HTTP status the receiver answered. */
    static java.util.List<JsonObject> callbackTries(MixPaySimulator mixpay, String traceId) throws Exception {
        JsonObject tries = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(mixpay.baseUrl() + "/_simulator/callbacks")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return tries.getJsonArray("tries").stream().map(JsonObject.class::cast).filter(t -> traceId.equals(t.getString("traceId"))).toList();
    }
}
