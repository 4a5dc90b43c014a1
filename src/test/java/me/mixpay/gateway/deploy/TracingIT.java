package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import me.mixpay.gateway.simulator.MixPaySimulator;
import me.mixpay.gateway.simulator.SimulatorSettings;

/**
 * Tracing is off until an OTLP endpoint is configured: the packaged gateway, with a listener on the
 * OTLP exporter's default port, makes no connection there and logs nothing of exports; with
 * {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT} set, a collector there receives its spans in batches.
 */
class TracingIT {

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void withoutAnEndpointNothingIsExported() throws Exception {
        AtomicInteger defaultPortConnections = new AtomicInteger();
        List<ServerSocket> defaultPort = listenOn4317(defaultPortConnections);
        MixPaySimulator mixpay = new MixPaySimulator(SimulatorSettings.defaults());
        mixpay.start(0);
        try (PackagedGateway off = PackagedGateway.start(env(mixpay))) {
            for (int i = 0; i < 5; i++) {
                assertThat(GatewayCalls.get(off, "/v1/setting/quote_assets", "traceparent", TRACEPARENT).statusCode()).isEqualTo(200);
            }
            Thread.sleep(1500); // fifteen batch delays
            assertThat(off.log()).doesNotContainIgnoringCase("export").doesNotContain("4317");
            assertThat(off.log()).contains("opentelemetry"); // the extension is there, only off
        } finally {
            for (ServerSocket socket : defaultPort) {
                socket.close();
            }
            mixpay.stop();
        }
        assertThat(defaultPortConnections.get()).as("connections to the OTLP default port").isZero();
    }

    @Test
    void withAnEndpointACollectorReceivesSpansInBatchesAndNoRedisCommandIsASpan() throws Exception {
        MixPaySimulator mixpay = new MixPaySimulator(SimulatorSettings.defaults());
        mixpay.start(0);
        RedisProcess redis = RedisProcess.start();
        List<String> received = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + body.length);
            bodies.add(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        Map<String, String> env = env(mixpay);
        env.put("GATEWAY_CLUSTER_REDIS_URL", redis.url());
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort());
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        try (PackagedGateway on = PackagedGateway.start(env)) {
            for (int i = 0; i < 5; i++) {
                assertThat(GatewayCalls.get(on, "/v1/setting/quote_assets", "traceparent", TRACEPARENT).statusCode()).isEqualTo(200);
            }
            SentinelGroup.await("spans at the collector", () -> received.stream().anyMatch(r -> r.startsWith("POST /v1/traces ")));
            assertThat(received).allMatch(r -> r.startsWith("POST /v1/traces ") && !r.endsWith(" 0"));
            // Every request above ran Redis scripts (the shared budget, the cache); none of them is a span.
            assertThat(GatewayCalls.metrics(on)).containsPattern("mixpay_gateway_cluster_redis_scripts_total\\{[^}]*} [1-9]");
            Thread.sleep(500); // the last batch
            assertThat(bodies).noneMatch(body -> body.contains("db.system") || body.toLowerCase(java.util.Locale.ROOT).contains("redis"));
        } finally {
            collector.stop(0);
            redis.close();
            mixpay.stop();
        }
    }

    @Test
    void aCollectorThatNeverAnswersOrIsGoneCostsNoRequestItsTime() throws Exception {
        MixPaySimulator mixpay = new MixPaySimulator(SimulatorSettings.defaults());
        mixpay.start(0);
        // Accepts connections and never answers: every export waits out its timeout, then the next one.
        ServerSocket hanging = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        List<Socket> held = new CopyOnWriteArrayList<>();
        Thread accepting = new Thread(() -> {
            while (!hanging.isClosed()) {
                try {
                    held.add(hanging.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "hanging-collector");
        accepting.setDaemon(true);
        accepting.start();
        Map<String, String> env = env(mixpay);
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + hanging.getLocalPort());
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        try (PackagedGateway on = PackagedGateway.start(env)) {
            long hangingSlowest = slowestOf(on, 3000);
            assertThat(held).as("the gateway did try to export").isNotEmpty();
            // Then the collector is gone: connections refused.
            hanging.close();
            for (Socket socket : held) {
                socket.close();
            }
            long goneSlowest = slowestOf(on, 3000);
            System.out.printf("slowest of 3000 traced requests: %d ms with the collector hanging, %d ms with it gone%n",
                    hangingSlowest, goneSlowest);
            // A request that waited for the exporter would wait its 10 s timeout.
            assertThat(hangingSlowest).as("ms, the slowest request while the collector hangs").isLessThan(2_000);
            assertThat(goneSlowest).as("ms, the slowest request while the collector is gone").isLessThan(2_000);
            assertThat(GatewayCalls.get(on, "/v1/setting/quote_assets").statusCode()).isEqualTo(200);
            long exportLines = on.log().lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).contains("export")).count();
            System.out.printf("log lines about exports: %d%n", exportLines);
            assertThat(exportLines).as("log lines about failed exports: one per failed batch at most").isLessThanOrEqualTo(60);
        } finally {
            hanging.close();
            for (Socket socket : held) {
                socket.close();
            }
            mixpay.stop();
        }
    }

    /** The slowest of {@code count} sampled requests the gateway refuses itself (404: no budget, no MixPay). */
    private static long slowestOf(PackagedGateway gateway, int count) throws Exception {
        long slowest = 0;
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            assertThat(GatewayCalls.get(gateway, "/not-mixpay", "traceparent", TRACEPARENT).statusCode()).isEqualTo(404);
            slowest = Math.max(slowest, (System.nanoTime() - started) / 1_000_000);
        }
        return slowest;
    }

    private static Map<String, String> env(MixPaySimulator mixpay) {
        return new HashMap<>(Map.of("GATEWAY_UPSTREAM_BASE_URL", mixpay.baseUrl(), "GATEWAY_AUTH_ENABLED", "false",
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms"));
    }

    /**
     * Listeners on the OTLP default port (localhost: IPv4, and IPv6 where the machine has it) counting
     * connections. The test is skipped, visibly, when something else holds the port: it could not tell.
     */
    private static List<ServerSocket> listenOn4317(AtomicInteger connections) throws IOException {
        List<ServerSocket> sockets = new java.util.ArrayList<>();
        for (String address : List.of("127.0.0.1", "::1")) {
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(address, 4317));
            } catch (IOException unavailable) {
                socket.close();
                boolean taken = unavailable instanceof java.net.BindException && String.valueOf(unavailable.getMessage()).contains("in use");
                if (taken || !address.contains(":")) {
                    sockets.forEach(TracingIT::closeQuietly);
                    Assumptions.abort("port 4317 on " + address + " is taken by another process: no-export cannot be checked here");
                }
                continue; // no IPv6 loopback on this machine
            }
            sockets.add(socket);
            Thread accepting = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket ignored = socket.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "otlp-default-port");
            accepting.setDaemon(true);
            accepting.start();
        }
        return sockets;
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a listener nobody connected to
        }
    }
}
