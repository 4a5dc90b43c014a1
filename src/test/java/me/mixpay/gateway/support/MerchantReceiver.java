package me.mixpay.gateway.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import io.vertx.core.json.JsonObject;

/**
 * A merchant's callback endpoint on loopback, as a relay test needs one: it keeps every post (headers and
 * body) and answers each order's posts with the statuses the test set for it, then 200 {"code":"SUCCESS"}.
 */
public final class MerchantReceiver implements AutoCloseable {

    /** One post as it arrived. */
    public record Post(long atMs, String id, String timestamp, String signature, String body, String traceparent) {
        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    private final HttpServer server;
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final Map<String, List<Integer>> scripted = new ConcurrentHashMap<>();
    private final Map<String, Long> cutOff = new ConcurrentHashMap<>();

    private MerchantReceiver(HttpServer server) {
        this.server = server;
    }

    public static MerchantReceiver start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        MerchantReceiver receiver = new MerchantReceiver(server);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            receiver.posts.add(new Post(System.currentTimeMillis(), headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                    headers.getFirst("webhook-signature"), body, headers.getFirst("traceparent")));
            String orderId;
            try {
                orderId = new JsonObject(body).getString("orderId");
            } catch (RuntimeException notJson) {
                orderId = null;
            }
            List<Integer> statuses = orderId == null ? null : receiver.scripted.get(orderId);
            int status = statuses == null || statuses.isEmpty() ? 200 : statuses.remove(0);
            if (status == DRIBBLE) {
                // 200 and its headers at once, then a byte every half second of a body that never ends in time.
                exchange.sendResponseHeaders(200, 100_000);
                try {
                    for (int i = 0; i < 60; i++) {
                        exchange.getResponseBody().write('x');
                        exchange.getResponseBody().flush();
                        Thread.sleep(500);
                    }
                } catch (IOException | InterruptedException cutOff) {
                    // The gateway gave up on the try and closed the connection: what the test looks for.
                    receiver.cutOff.put(orderId, System.currentTimeMillis());
                }
                exchange.close();
                return;
            }
            byte[] answer = (status == 200 ? "{\"code\":\"SUCCESS\"}" : "{\"code\":\"FAIL\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        // A handler of its own per post: one that dribbles must not hold up the others.
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return receiver;
    }

    /** A status for {@link #answer}: 200 and its headers, then the body a byte every half second for 30 s. */
    public static final int DRIBBLE = -1;

    /** The next posts for this order are answered with these statuses, in order; then 200. */
    public void answer(String orderId, Integer... statuses) {
        scripted.put(orderId, new CopyOnWriteArrayList<>(List.of(statuses)));
    }

    /** When the relay closed a dribbled answer's connection for this order (ms), or null. */
    public Long cutOffAt(String orderId) {
        return cutOff.get(orderId);
    }

    public List<Post> postsFor(String orderId) {
        return posts.stream().filter(p -> orderId.equals(p.json().getString("orderId"))).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
