package me.mixpay.gateway.deploy;

import static me.mixpay.gateway.support.Management.management;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.ConfigMappings;

import me.mixpay.gateway.GatewayTestBase;
import me.mixpay.gateway.config.GatewayConfig;

/**
 * The manifests agree with the application: the ports it listens on, the paths it serves to probes and
 * Prometheus, the drain time it is configured with, and the settings the overlays add. Values come from
 * the running application and its configuration, never from copies in the test.
 */
@QuarkusTest
class DeploymentConsistencyTest extends GatewayTestBase {

    private static final JsonNode CONTAINER = Manifests.base("Deployment").path("spec").path("template").path("spec")
            .path("containers").get(0);

    @Test
    void containerPortsAreTheOnesTheApplicationListensOn() {
        Map<String, Integer> ports = containerPorts();
        // The production values: under test Quarkus listens on its test ports instead.
        assertThat(ports.get("http")).isEqualTo(Integer.valueOf(shipped("quarkus.http.port")));
        assertThat(ports.get("management")).isEqualTo(Integer.valueOf(shipped("quarkus.management.port")));
    }

    @Test
    void everyProbeHitsAHealthPathTheApplicationServesOnThePortItNames() {
        for (String probe : new String[] { "startupProbe", "livenessProbe", "readinessProbe" }) {
            JsonNode get = CONTAINER.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as(probe).isEqualTo("management");
            management().get(get.path("path").asText()).then().statusCode(200);
        }
    }

    @Test
    void serviceAndServiceMonitorLeadToTheMetricsTheApplicationExports() {
        Map<String, String> serviceTargets = new HashMap<>();
        Manifests.base("Service").path("spec").path("ports")
                .forEach(p -> serviceTargets.put(p.path("name").asText(), p.path("targetPort").asText()));
        assertThat(containerPorts().keySet()).containsAll(serviceTargets.values());

        JsonNode endpoint = Manifests.base("ServiceMonitor").path("spec").path("endpoints").get(0);
        assertThat(serviceTargets.get(endpoint.path("port").asText())).isEqualTo("management");
        assertThat(management().get(endpoint.path("path").asText()).then().statusCode(200).extract().asString())
                .contains("mixpay_gateway_request_duration_seconds").contains("mixpay_gateway_circuit_state");
    }

    @Test
    void gracePeriodCoversThePreStopPauseAndTheDrainTimeout() {
        Duration drain = config("quarkus.shutdown.timeout", Duration.class);
        Duration delay = config("quarkus.shutdown.delay", Duration.class);
        assertThat(Manifests.configEnvironment().get("QUARKUS_SHUTDOWN_TIMEOUT"))
                .isEqualTo(drain.toSeconds() + "s");
        String preStop = CONTAINER.path("lifecycle").path("preStop").path("exec").path("command").get(2).asText();
        assertThat(preStop).matches("sleep \\d+");
        long pause = Long.parseLong(preStop.substring("sleep ".length()));
        long grace = Manifests.base("Deployment").path("spec").path("template").path("spec")
                .path("terminationGracePeriodSeconds").asLong();
        assertThat(grace).isGreaterThan(pause + delay.toSeconds() + drain.toSeconds());
    }

    @Test
    void deploymentFollowsTheRestrictedProfile() {
        JsonNode deployment = Manifests.base("Deployment");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        assertThat(deployment.path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(deployment.path("spec").path("strategy").path("rollingUpdate").path("maxUnavailable").asInt()).isZero();
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod.path("topologySpreadConstraints").size()).isPositive();
        JsonNode security = CONTAINER.path("securityContext");
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(security.path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
        assertThat(CONTAINER.path("resources").path("requests").path("memory").asText()).isNotEmpty();
        assertThat(CONTAINER.path("resources").path("limits").path("memory").asText()).isNotEmpty();
    }

    @Test
    void overlayConfigPatchesSetOnlySettingsTheGatewayReads() {
        // The environment variable of each property the gateway's configuration mapping declares, as
        // SmallRye Config maps them (a route group's name standing for *).
        List<Pattern> known = ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(GatewayConfig.class, "gateway"))
                .keySet().stream()
                .map(name -> Pattern.compile(Arrays.stream(name.split("\\*", -1))
                        .map(part -> Pattern.quote(part.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")))
                        .collect(Collectors.joining("[A-Z0-9_]+"))))
                .toList();
        assertThat(known).as("the mapping has the cluster settings").anyMatch(p -> p.matcher("GATEWAY_CLUSTER_REDIS_URL").matches());
        Set<String> base = Manifests.configEnvironment().keySet();
        List<String> patched = new ArrayList<>();
        for (String overlay : List.of("cluster", "prod")) {
            JsonNode patch = Manifests.in(Manifests.ROOT.resolve("overlays").resolve(overlay), "ConfigMap", "mixpay-gateway-config");
            patch.path("data").fieldNames().forEachRemaining(key -> {
                patched.add(key);
                assertThat(base.contains(key) || known.stream().anyMatch(p -> p.matcher(key).matches()))
                        .as("overlays/%s sets %s, which the gateway does not read", overlay, key).isTrue();
            });
        }
        assertThat(patched).contains("GATEWAY_CLUSTER_REDIS_SENTINELS", "GATEWAY_CLUSTER_REDIS_MASTER_NAME");
    }

    private static Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new HashMap<>();
        CONTAINER.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        return ports;
    }

    /** A property as application.properties ships it, outside any profile. */
    private static String shipped(String name) {
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("src/main/resources/application.properties"))) {
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty(name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T config(String name, Class<T> type) {
        return ConfigProvider.getConfig().getValue(name, type);
    }
}
