package me.mixpay.gateway.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static me.mixpay.gateway.support.MixPayReplies.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import me.mixpay.gateway.auth.MerchantKeys;
import me.mixpay.gateway.support.MixPayReplies;

/**
 * The packaged gateway's access lines on stdout are written in batches: held for at most
 * {@code gateway.access-log.flush-interval}, and all written at shutdown.
 */
class AccessLogBufferIT {

    private static final String KEY = "buffer-test-key-0123456789";

    private WireMockServer upstream;

    @BeforeEach
    void upstream() {
        upstream = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        upstream.start();
        upstream.stubFor(get(urlPathEqualTo("/v1/setting/payment_assets")).willReturn(json(MixPayReplies.success("[]"))));
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    @Test
    void aLineReachesStdoutWithinTheFlushIntervalWhileTheGatewayRuns() throws Exception {
        try (PackagedGateway gateway = PackagedGateway.start(environment("1s"))) {
            String requestId = send(gateway);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> gateway.log().contains(requestId));
        }
    }

    @Test
    void linesWaitForTheIntervalAndShutdownWritesThemAll() throws Exception {
        try (PackagedGateway gateway = PackagedGateway.start(environment("1h"))) {
            String first = send(gateway);
            String second = send(gateway);
            Thread.sleep(1500);
            assertThat(gateway.log()).as("stdout before the interval").doesNotContain(first).doesNotContain(second);

            gateway.terminate();
            assertThat(gateway.awaitExit(Duration.ofSeconds(30))).isIn(0, 143);
            assertThat(gateway.log()).as("stdout after SIGTERM").contains(first).contains(second);
        }
    }

    private Map<String, String> environment(String flushInterval) throws Exception {
        Map<String, String> env = new HashMap<>(Manifests.configEnvironment());
        env.put("GATEWAY_UPSTREAM_BASE_URL", "http://127.0.0.1:" + upstream.port());
        env.put("GATEWAY_ACCESS_LOG_FLUSH_INTERVAL", flushInterval);
        Path keys = Files.createTempFile("merchant-keys", "");
        Files.writeString(keys, "shop-buffer:" + MerchantKeys.hashOf(KEY) + "\n");
        env.put("GATEWAY_AUTH_KEYS_FILE", keys.toString());
        return env;
    }

    /** One proxied request; returns the request id its access line carries. */
    private static String send(PackagedGateway gateway) throws Exception {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(gateway.url("/v1/setting/payment_assets"))).header("X-Gateway-Key", KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(200);
        return reply.headers().firstValue("X-Request-Id").orElseThrow();
    }
}
