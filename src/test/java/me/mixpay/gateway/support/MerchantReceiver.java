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
            byte[] answer = (status == 200 ? "{\"code\":\"SUCCESS\"}" : "{\"code\":\"FAIL\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    /** The next posts for this order are answered with these statuses, in order; then 200. */
    public void answer(String orderId, Integer... statuses) {
        scripted.put(orderId, new CopyOnWriteArrayList<>(List.of(statuses)));
    }

    public List<Post> postsFor(String orderId) {
        return posts.stream().filter(p -> orderId.equals(p.json().getString("orderId"))).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
