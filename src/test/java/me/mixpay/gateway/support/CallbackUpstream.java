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
        return config;
    }
}
