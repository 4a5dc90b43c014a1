package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static me.mixpay.gateway.support.MixPayReplies.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

import me.mixpay.gateway.support.MixPayReplies;

/**
 * Random, often malformed, requests written byte for byte to the merchant port: odd methods, paths
 * with encodings, dots, control and non-ASCII bytes, random headers and bodies. Each must get exactly
 * one HTTP reply, and every error the gateway writes itself must be an envelope. Seeded, so a failure
 * reproduces with {@code -Dfuzz.seed=...}; {@code -Dfuzz.requests} sets the count (CI: 400).
 */
@QuarkusTest
class RequestPathFuzzTest extends GatewayTestBase {

    private static final String[] METHODS = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
            "CONNECT", "FOO", "get", "G\u00c9T" };
    private static final String[] SEGMENTS = { "v1", "payments", "setting", "..", ".", "", "%2e%2e", "%2F", "%00", "%25",
            "a b", "\u00e9", "\t", "x?y=1", "#frag", "q", "admin", "status", "~", "%ZZ", "\\", ";jsessionid=1", "*" };

    @Test
    void everyRandomRequestGetsExactlyOneReplyAndGatewayErrorsAreEnvelopes() throws Exception {
        upstream.stubFor(any(urlPathMatching(".*")).willReturn(json(MixPayReplies.success("{}"))));
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int count = Integer.getInteger("fuzz.requests", 400);
        Random random = new Random(seed);
        ObjectMapper json = new ObjectMapper();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] request = randomRequest(random);
            String reply;
            try {
                reply = exchange(request);
            } catch (java.net.SocketTimeoutException silent) {
                problems.add("no reply within 15 s to " + new String(request, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n"));
                continue;
            }
            if (reply.startsWith("HTTP/1.1 100")) {
                reply = reply.substring(reply.indexOf("\r\n\r\n") + 4); // the interim reply to Expect: 100-continue
            }
            String shown = new String(request, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n");
            if (!reply.matches("(?s)HTTP/1\\.[01] [1-5]\\d\\d .*")) {
                problems.add("no reply to " + shown + " -> " + reply);
                continue;
            }
            if (reply.indexOf("\r\nHTTP/1.") > 0) {
                problems.add("more than one reply to " + shown);
            }
            String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
            // A reply to HEAD has headers only, by definition.
            if (!shown.startsWith("HEAD ") && reply.toLowerCase(java.util.Locale.ROOT).contains("\r\nx-gateway-error:")) {
                JsonNode envelope = json.readTree(body);
                if (envelope == null || !envelope.path("code").isIntegralNumber() || !envelope.has("message")
                        || envelope.path("success").asBoolean(true)) {
                    problems.add("not an envelope for " + shown + ": " + body);
                }
            }
        }
        assertThat(problems).as("seed %d", seed).isEmpty();
    }

    @Test
    void cleartextHttp2UpgradeIsIgnoredNotLeftHanging() throws Exception {
        upstream.stubFor(any(urlPathMatching(".*")).willReturn(json(MixPayReplies.success("{}"))));
        // Found by the fuzz above: this request used to get no reply until the idle timeout.
        String reply = exchange(("GET /v1/setting/payment_assets HTTP/1.1\r\nHost: localhost\r\nUpgrade: h2c\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(reply).startsWith("HTTP/1.1 200");
    }

    private static byte[] randomRequest(Random random) {
        StringBuilder path = new StringBuilder(random.nextInt(4) == 0 ? "" : "/v1");
        for (int s = random.nextInt(5); s >= 0; s--) {
            path.append('/').append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
        }
        if (random.nextInt(6) == 0) {
            path.insert(0, "http://evil.example");
        }
        StringBuilder head = new StringBuilder();
        head.append(METHODS[random.nextInt(METHODS.length)]).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(random.nextInt(5) == 0 ? "evil.example" : "localhost").append("\r\n");
        for (int h = random.nextInt(6); h > 0; h--) {
            head.append(randomHeader(random)).append("\r\n");
        }
        byte[] body = new byte[random.nextInt(3) == 0 ? random.nextInt(300) : 0];
        random.nextBytes(body);
        if (body.length > 0 || random.nextBoolean()) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static String randomHeader(Random random) {
        String[] names = { "X-Original-URL", "X-HTTP-Method-Override", "X-Forwarded-Host", "Accept-Encoding", "Transfer-Encoding",
                "X-Request-Id", "Content-Type", "Expect", "X-Random", "Forwarded", "Upgrade" };
        // Transfer-Encoding gets only values that need no chunked body: a stalled body is SecurityTest's job.
        String[] values = { "/admin", "DELETE", "evil.example", "gzip, br", "identity", "../../x", "application/json",
                "100-continue", "\u00ff\u00fe", "for=1.2.3.4;host=evil", "h2c", "a".repeat(random.nextInt(100)) };
        return names[random.nextInt(names.length)] + ": " + values[random.nextInt(values.length)];
    }

    /** Writes the bytes, half-closes, reads everything the gateway sends until it closes. */
    private static String exchange(byte[] request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
