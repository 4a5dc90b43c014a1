package me.mixpay.gateway.support;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link SimulatorUpstream} with MixPay's callbacks on: creations carry the gateway's callback URL under
 * {@link #PUBLIC_URL}, which the simulator maps to this test's merchant port, as an ingress would, and
 * retries a refused callback on MixPay's schedule a hundred times faster (150 ms for the page's 15 s).
 */
public class CallbackUpstream extends SimulatorUpstream {

    public static final String PUBLIC_URL = "https://gateway.test";
    public static final String TOKEN_SECRET = "test-callback-token-secret-0123456789abcdef";
    /** Standard Webhooks' form: whsec_ and the base64 of a 32-byte key. */
    public static final String SIGNING_SECRET = "whsec_" + java.util.Base64.getEncoder()
            .encodeToString("relay-test-signing-key-32-bytes!".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    /** The merchant port the tests run on: the build may move it off 8081 (README, "Run all tests"). */
    public static int merchantPort() {
        return Integer.parseInt(System.getProperty("%test.quarkus.http.test-port", System.getProperty("quarkus.http.test-port", "8081")));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("gateway.callbacks.public-url", PUBLIC_URL);
        config.put("gateway.callbacks.token-secret", TOKEN_SECRET);
        config.put("gateway.simulator.callbacks.time-scale", "0.01");
        config.put("gateway.simulator.callbacks.rewrite", PUBLIC_URL + "=http://127.0.0.1:" + merchantPort());
        // The relay: a merchant receiver the tests run on a port picked here, and retries fast enough for a test.
        // localhost is a name: the relay resolves it and refuses the loopback address it names (RelayTest).
        int receiver = FreePort.pick();
        config.put("gateway.callbacks.allowed-targets", "https://merchant.example,http://127.0.0.1:" + receiver + "/hooks,"
                + "http://localhost:" + receiver + "/hooks");
        // A target inside a shared entry that another merchant claims, and one this test's merchant (anonymous:
        // merchant keys are off) has for itself alone.
        config.put("gateway.callbacks.merchant-targets.other-shop", "https://merchant.example/other-shop");
        config.put("gateway.callbacks.merchant-targets.anonymous", "https://anonymous-shop.example/hooks");
        config.put("gateway.callbacks.signing-secret", SIGNING_SECRET);
        config.put("gateway.callbacks.delivery.initial-backoff", "100ms");
        config.put("gateway.callbacks.delivery.max-backoff", "300ms");
        config.put("gateway.callbacks.delivery.max-attempts", "4");
        config.put("gateway.callbacks.delivery.poll-interval", "50ms");
        config.put("gateway.callbacks.delivery.timeout", "2s");
        return config;
    }

    /** The port of the merchant receiver the relay may deliver to, read back from the running configuration. */
    public static int receiverPort() {
        String allowed = org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("gateway.callbacks.allowed-targets", String.class);
        String local = allowed.substring(allowed.indexOf("http://127.0.0.1:") + "http://127.0.0.1:".length());
        return Integer.parseInt(local.substring(0, local.indexOf('/')));
    }
}
