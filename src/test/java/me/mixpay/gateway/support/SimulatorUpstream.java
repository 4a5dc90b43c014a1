package me.mixpay.gateway.support;

import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The gateway in front of its built-in simulator, as {@code ./mvnw quarkus:dev} runs it, on a port free
 * for this run. MixPay's 60-per-minute limit would fail any suite that makes more calls than that, so it
 * is raised here; its own behaviour is tested against a standalone simulator (SimulatedMixPayTest).
 * Test classes sharing this profile share one Quarkus start and one simulator.
 */
public class SimulatorUpstream implements QuarkusTestProfile {

    /**
     * Where the simulator's {@code /_simulator} controls are (the gateway never forwards them). Read from
     * the running configuration: the profile is loaded by more than one class loader, so a port kept in a
     * static field here would differ between the test and the application.
     */
    public static String controls() {
        return "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("gateway.simulator.port", Integer.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        int port = FreePort.pick();
        return Map.of("gateway.simulator.enabled", "true",
                "gateway.simulator.port", Integer.toString(port),
                "gateway.simulator.rate-limit.limit", "100000",
                "gateway.upstream.base-url", "http://127.0.0.1:" + port);
    }
}
