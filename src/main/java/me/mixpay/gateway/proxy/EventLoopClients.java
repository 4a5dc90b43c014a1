package me.mixpay.gateway.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Context;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * One web client, with its own connection pool, per event loop, handed to whoever calls from that loop.
 * <p>
 * Why not one client for all: a Vert.x client's pool is shared by every event loop, and a connection
 * answers on the loop that opened it. A request from loop A that leased a connection opened by loop B
 * was read on B and then handed back to A through A's task queue: two thread hops and a wake-up per
 * request. With a pool per loop, a request's connection lives on its own loop and no hop happens. On
 * the benchmark's two cores the thinnest Vert.x proxy ({@code BareVertxProxy}) ran 19–34 % faster this
 * way than with one shared pool; the gateway, which does more per request, kept its throughput and
 * lost 9–24 % of its p99 ({@code bench/reference/ab-per-loop-pools.md}).
 * <p>
 * Calls from outside an event loop (a retry resumed on a worker thread, say) use one shared client.
 * The number of clients is bounded by the number of event loops, which is fixed.
 */
final class EventLoopClients {

    private final Vertx vertx;
    private final WebClientOptions options;
    private final WebClient offLoop;
    private final Map<Thread, WebClient> byLoop = new ConcurrentHashMap<>();

    EventLoopClients(Vertx vertx, WebClientOptions options) {
        this.vertx = vertx;
        this.options = options;
        this.offLoop = WebClient.create(vertx, options);
    }

    /** The calling event loop's client, or the shared one off the event loops. */
    WebClient current() {
        if (!Context.isOnEventLoopThread()) {
            return offLoop;
        }
        Thread loop = Thread.currentThread();
        WebClient client = byLoop.get(loop);
        return client != null ? client : byLoop.computeIfAbsent(loop, ignored -> WebClient.create(vertx, options));
    }

    void close() {
        byLoop.values().forEach(WebClient::close);
        offLoop.close();
    }
}
