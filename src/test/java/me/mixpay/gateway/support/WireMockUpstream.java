package me.mixpay.gateway.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A MixPay double speaking real HTTP on a loopback port, shared by every test of one Quarkus start.
 * Tests reach it through {@link #server()} and reset it before each test.
 */
public class WireMockUpstream implements QuarkusTestResourceLifecycleManager {

    private static volatile WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true)
                .containerThreads(120).jettyAcceptors(2));
        server.start();
        return Map.of("gateway.upstream.base-url", "http://127.0.0.1:" + server.port());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    public static WireMockServer server() {
        return server;
    }
}
