package me.mixpay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * MixPay's official JavaScript client, {@code mixpayjs} 3.0.0 (pinned in {@code src/test/mixpayjs}), works
 * through the gateway: every one of its methods, against the gateway in front of the simulator, with the
 * dev configuration (authentication off). Needs {@code node} and {@code npm} on the PATH; installs the
 * client with {@code npm ci} when {@code node_modules} is absent.
 */
@QuarkusTest
@TestProfile(SimulatorUpstream.class)
class MixPayJsClientTest {

    private static final Path CLIENT_DIR = Path.of("src/test/mixpayjs");
    /** The client resends a request after its own 20 s timeout; a run that long has failed already. */
    private static final long RUN_SECONDS = 60;

    @TestHTTPResource("/")
    URL gateway;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyClientMethodSucceedsThroughTheGateway() throws Exception {
        installClient();
        String origin = gateway.toString().replaceAll("/$", "");
        String output = run(List.of("node", "drive.js", origin, SimulatorUpstream.controls()), RUN_SECONDS);
        System.out.println("mixpayjs through the gateway:\n" + output);

        List<JsonObject> lines = output.lines().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
        List<JsonObject> calls = lines.stream().filter(l -> l.containsKey("method")).toList();
        assertThat(calls).extracting(c -> c.getString("method")).containsExactly("readPayeeId", "readQuoteAssets",
                "readPaymentAssets", "readSettlementAssets", "getPaymentEstimated", "createMixinPayment",
                "createChainPayment", "createOneTimePaymentLink", "getPaymentInfo", "getPaymentResult", "getPaymentResult");
        assertThat(calls).allSatisfy(c -> assertThat(c.getBoolean("ok")).as(c.encode()).isTrue());

        JsonObject created = calls.get(5).getJsonObject("result");
        JsonObject paid = calls.get(9).getJsonObject("result");
        // What MixPay's security guidelines tell merchants to verify, read by MixPay's own client.
        assertThat(paid.getString("status")).isEqualTo("success");
        assertThat(paid.getString("payeeId")).isEqualTo(created.getString("payeeId"));
        assertThat(paid.getString("quoteAmount")).isEqualTo(created.getString("quoteAmount"));
        assertThat(paid.getString("quoteAssetId")).isEqualTo(created.getString("quoteAssetId"));
        assertThat(paid.getString("traceId")).isEqualTo(created.getString("traceId"));
        JsonObject link = calls.get(10).getJsonObject("result");
        assertThat(link.getString("status")).isEqualTo("unpaid");
        assertThat(link.getString("traceId")).isEqualTo(calls.get(7).getJsonObject("result").getString("code"));
    }

    /**
     * mixpayjs with a 500 ms timeout against creations that take 1.5 s: it resends each by itself, the
     * gateway joins or replays the resends, and MixPay makes one payment per order; the client ends
     * holding that payment's code.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void mixpayjsResendingAfterItsTimeoutGetsOnePaymentPerOrder() throws Exception {
        installClient();
        long since = System.currentTimeMillis();
        String origin = gateway.toString().replaceAll("/$", "");
        String output = run(List.of("node", "resend.js", origin, "3"), RUN_SECONDS);
        System.out.println("mixpayjs resending through the gateway:\n" + output);

        List<JsonObject> orders = output.lines().filter(l -> l.startsWith("{")).map(JsonObject::new)
                .filter(l -> l.containsKey("orderId")).toList();
        assertThat(orders).hasSize(3).allSatisfy(o -> assertThat(o.getBoolean("ok")).as(o.encode()).isTrue());
        for (JsonObject order : orders) {
            assertThat(order.getInteger("sends")).as("the client resent by itself: %s", order.encode()).isGreaterThan(1);
            List<JsonObject> arrived = ExactlyOnceTest.journal(since).stream()
                    .filter(r -> order.getString("orderId").equals(r.getString("orderId"))).toList();
            assertThat(arrived).as("creations of %s that reached MixPay", order.getString("orderId")).hasSize(1);
            assertThat(order.getString("code")).isEqualTo(arrived.get(0).getString("traceId"));
        }
    }

    private static void installClient() throws IOException, InterruptedException {
        if (!Files.isDirectory(CLIENT_DIR.resolve("node_modules/mixpayjs"))) {
            String installed = run(List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"), 240);
            System.out.println("npm ci: " + installed.strip());
        }
    }

    private static String run(List<String> command, long seconds) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(CLIENT_DIR.toFile()).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            throw new AssertionError(command.get(0) + " must be on the PATH for the mixpayjs test (Node 20+)", notInstalled);
        }
        process.getOutputStream().close();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s:\n"
                    + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + " exit status; output:\n" + output).isZero();
        return output;
    }
}
