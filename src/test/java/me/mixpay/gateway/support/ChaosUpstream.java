package me.mixpay.gateway.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import me.mixpay.gateway.catalog.ErrorCatalog;

/**
 * A MixPay double that misbehaves at random, over real HTTP: resets, replies too late, 502 pages,
 * bodies cut short, every catalog code, and plain successes. It remembers every payment order id it
 * receives, so a test can prove that none arrived twice.
 */
public class ChaosUpstream implements QuarkusTestResourceLifecycleManager {

    public enum Fault { SUCCESS, CATALOG_CODE, RESET, TOO_SLOW, BAD_GATEWAY_PAGE, TRUNCATED, TRANSIENT }

    private static final List<Integer> CODES = ErrorCatalog.mixpay().codes();
    public static final Map<String, AtomicInteger> ORDERS = new ConcurrentHashMap<>();
    public static final Map<Fault, LongAdder> INJECTED = new ConcurrentHashMap<>();

    private static Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(ChaosUpstream::handle);
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("gateway.upstream.base-url", "http://127.0.0.1:" + server.actualPort());
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    private static void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            String text = body.toString();
            if (request.path().equals("/v1/payments")) {
                int start = text.indexOf("orderId=");
                if (start >= 0) {
                    int end = text.indexOf('&', start);
                    String order = text.substring(start + 8, end < 0 ? text.length() : end);
                    ORDERS.computeIfAbsent(order, o -> new AtomicInteger()).incrementAndGet();
                }
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
            if (fault != Fault.SUCCESS && random.nextInt(100) < 40) {
                fault = Fault.SUCCESS; // keep enough successes that retries have something to find
            }
            INJECTED.computeIfAbsent(fault, f -> new LongAdder()).increment();
            var response = request.response().putHeader("Content-Type", "application/json");
            switch (fault) {
                case SUCCESS -> response.end("{\"code\":0,\"success\":true,\"message\":\"\",\"data\":{\"ok\":true},\"timestampMs\":1}");
                case CATALOG_CODE -> {
                    int code = CODES.get(random.nextInt(CODES.size()));
                    response.end("{\"code\":" + code + ",\"success\":false,\"message\":\"chaos\",\"data\":null,\"timestampMs\":1}");
                }
                case TRANSIENT -> response.end("{\"code\":-1,\"success\":false,\"message\":\"Server error\",\"data\":null,\"timestampMs\":1}");
                case RESET -> request.connection().close();
                case TOO_SLOW -> vertx.setTimer(700,
                        t -> response.end("{\"code\":0,\"success\":true,\"message\":\"late\",\"data\":null,\"timestampMs\":1}"));
                case BAD_GATEWAY_PAGE -> response.setStatusCode(502).putHeader("Content-Type", "text/html")
                        .end("<html><body>502 Bad Gateway</body></html>");
                case TRUNCATED -> {
                    response.putHeader("Content-Length", "200").write("{\"code\":0,\"success\":tr");
                    request.connection().close();
                }
            }
        });
    }
}
