package me.mixpay.gateway.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

import io.vertx.core.json.JsonObject;

/**
 * The merchants' own callback endpoint in the checkout benchmark: it answers every relayed callback with
 * {@code {"code": "SUCCESS"}} and keeps when each payment's first one arrived, so the run can report the
 * relay's lag from MixPay marking the payment paid to the merchant holding a signed callback.
 */
final class RelayedCallbacks implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Long> firstByTrace = new ConcurrentHashMap<>();
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final AtomicLong posts = new AtomicLong();

    private RelayedCallbacks(HttpServer server) {
        this.server = server;
    }

    static RelayedCallbacks start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        RelayedCallbacks receiver = new RelayedCallbacks(server);
        server.createContext("/", exchange -> {
            long now = System.currentTimeMillis();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            receiver.posts.incrementAndGet();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            if (id != null) {
                receiver.ids.add(id);
            }
            try {
                receiver.firstByTrace.putIfAbsent(new JsonObject(body).getString("traceId"), now);
            } catch (RuntimeException notJson) {
                // counted as a post; no payment to time
            }
            byte[] answer = "{\"code\":\"SUCCESS\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    /** Posts, distinct events, and the lag from paid to the first post per payment (p50, p99, max ms). */
    JsonObject summary(Checkout.PaidAt paidAt) {
        List<Long> lags = new ArrayList<>();
        Set<String> timed = new HashSet<>();
        firstByTrace.forEach((traceId, receivedAt) -> {
            Long paid = paidAt.of(traceId);
            if (paid != null && paid > 0 && timed.add(traceId)) {
                lags.add(Math.max(0, receivedAt - paid));
            }
        });
        return new JsonObject().put("posts", posts.get()).put("events", ids.size()).put("payments", firstByTrace.size())
                .put("lagMs", new JsonObject().put("count", lags.size()).put("p50", CheckoutTally.quantile(lags, 0.5))
                        .put("p99", CheckoutTally.quantile(lags, 0.99)).put("max", CheckoutTally.quantile(lags, 1.0)));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
