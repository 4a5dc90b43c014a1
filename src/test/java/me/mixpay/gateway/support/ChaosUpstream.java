package me.mixpay.gateway.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import me.mixpay.gateway.catalog.ErrorCatalog;

/**
 * A MixPay double that misbehaves at random, over real HTTP: resets, replies too late, 502 pages,
 * bodies cut short, every catalog code, and plain successes. It keeps the payments it creates, so a
 * creation can be ambiguous the way it is at MixPay (made, then the reply lost) and the gateway's
 * look-ups ({@code payments_result} by order, {@code payments_info} by traceId) find them, and it counts
 * the payments made per order id, so a test can prove that none was made twice.
 * <p>
 * A creation's fault decides whether the payment is made: a success, a reply too slow or cut short
 * make it (the work was done, only the answer is lost); a reset, a 502 page or MixPay's -1 make it half
 * the time (before or after the failure); a catalog code is MixPay refusing, and makes nothing. The
 * catalog code 40022 ("TraceId does not exist.") is never drawn at random (nor 0, a success without a payment): it is MixPay's word that a
 * payment does not exist, and a MixPay that said it of a payment it has could not be reconciled with.
 */
public class ChaosUpstream implements QuarkusTestResourceLifecycleManager {

    public enum Fault { SUCCESS, CATALOG_CODE, RESET, TOO_SLOW, BAD_GATEWAY_PAGE, TRUNCATED, TRANSIENT }

    private static final List<Integer> CODES = ErrorCatalog.mixpay().codes().stream().filter(code -> code != 40022 && code != 0).toList();
    /** Payments made per order id: more than one is a payment created twice. */
    public static final Map<String, AtomicInteger> ORDERS = new ConcurrentHashMap<>();
    /** Creation requests that arrived per order id. */
    public static final Map<String, AtomicInteger> ARRIVALS = new ConcurrentHashMap<>();
    public static final Map<Fault, LongAdder> INJECTED = new ConcurrentHashMap<>();
    /** Creations answered so that the caller cannot tell whether the payment was made. */
    public static final LongAdder AMBIGUOUS = new LongAdder();
    private static final Map<String, String> TRACE_BY_ORDER = new ConcurrentHashMap<>();
    private static final Map<String, String> ORDER_BY_TRACE = new ConcurrentHashMap<>();

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
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
            if (fault != Fault.SUCCESS && random.nextInt(100) < 40) {
                fault = Fault.SUCCESS; // keep enough successes that retries have something to find
            }
            INJECTED.computeIfAbsent(fault, f -> new LongAdder()).increment();
            String success = "{\"code\":0,\"success\":true,\"message\":\"\",\"data\":{\"ok\":true},\"timestampMs\":1}";
            if (request.path().equals("/v1/payments")) {
                Map<String, List<String>> form = new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), false).parameters();
                String order = form.containsKey("orderId") ? form.get("orderId").get(0) : null;
                if (order != null) {
                    ARRIVALS.computeIfAbsent(order, o -> new AtomicInteger()).incrementAndGet();
                    boolean made = switch (fault) {
                        case SUCCESS, TOO_SLOW, TRUNCATED -> true;
                        case RESET, BAD_GATEWAY_PAGE, TRANSIENT -> random.nextBoolean();
                        case CATALOG_CODE -> false;
                    };
                    if (fault != Fault.SUCCESS && fault != Fault.CATALOG_CODE) {
                        AMBIGUOUS.increment();
                    }
                    if (made) {
                        success = payment(order, create(order));
                    }
                }
            } else if (request.path().equals("/v1/payments_result") && request.params().contains("orderId")) {
                String traceId = TRACE_BY_ORDER.get(request.params().get("orderId"));
                success = traceId == null ? ABSENT : payment(request.params().get("orderId"), traceId);
            } else if (request.path().equals("/v1/payments_info") && ORDER_BY_TRACE.containsKey(request.params().get("traceId"))) {
                String traceId = request.params().get("traceId");
                success = payment(ORDER_BY_TRACE.get(traceId), traceId);
            } else if (request.path().equals("/v1/payments_info")) {
                success = ABSENT;
            }
            answer(request, fault, success);
        });
    }

    private static final String ABSENT = "{\"code\":40022,\"success\":false,\"message\":\"TraceId does not exist.\",\"data\":[],\"timestampMs\":1}";

    /** Makes the order's payment; a second one for the same order is counted, and is what the test forbids. */
    private static String create(String order) {
        ORDERS.computeIfAbsent(order, o -> new AtomicInteger()).incrementAndGet();
        String traceId = TRACE_BY_ORDER.computeIfAbsent(order, o -> UUID.randomUUID().toString());
        ORDER_BY_TRACE.put(traceId, order);
        return traceId;
    }

    private static String payment(String order, String traceId) {
        return "{\"code\":0,\"success\":true,\"message\":\"\",\"data\":{\"status\":\"unpaid\",\"traceId\":\"" + traceId
                + "\",\"orderId\":\"" + order + "\",\"payeeId\":\"8e69e534-d0c4-3e04-8b61-37a73cd9e7d7\"},\"timestampMs\":1}";
    }

    private static void answer(HttpServerRequest request, Fault fault, String success) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HttpServerResponse response = request.response().putHeader("Content-Type", "application/json");
        switch (fault) {
            case SUCCESS -> response.end(success);
            case CATALOG_CODE -> {
                int code = CODES.get(random.nextInt(CODES.size()));
                response.end("{\"code\":" + code + ",\"success\":false,\"message\":\"chaos\",\"data\":null,\"timestampMs\":1}");
            }
            case TRANSIENT -> response.end("{\"code\":-1,\"success\":false,\"message\":\"Server error\",\"data\":null,\"timestampMs\":1}");
            case RESET -> request.connection().close();
            case TOO_SLOW -> vertx.setTimer(700, t -> response.end(success));
            case BAD_GATEWAY_PAGE -> response.setStatusCode(502).putHeader("Content-Type", "text/html")
                    .end("<html><body>502 Bad Gateway</body></html>");
            case TRUNCATED -> {
                response.putHeader("Content-Length", "200").write("{\"code\":0,\"success\":tr");
                request.connection().close();
            }
        }
    }
}
