package me.mixpay.gateway.simulator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator as a merchant's sandbox: its own jar started with {@code java -jar} as a process of its own,
 * no gateway running, and a payment's life over real HTTP. The jar holds nothing of the gateway, so a
 * dependency on it would fail here as a missing class.
 */
class StandaloneSimulatorIT {

    private static final Pattern LISTENING = Pattern.compile("MixPay simulator listening on http://127\\.0\\.0\\.1:(\\d+)");

    private Process process;
    private Path log;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(15, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    @Test
    void theJarHoldsTheSimulatorAndTheCatalogOnly() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            List<String> classes = jar.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".class")).toList();
            assertThat(classes).contains("me/mixpay/gateway/simulator/MixPaySimulator.class",
                    "me/mixpay/gateway/catalog/ErrorCatalog.class");
            assertThat(classes).allMatch(name -> name.startsWith("me/mixpay/gateway/simulator/")
                    || name.startsWith("me/mixpay/gateway/catalog/"));
        }
    }

    @Test
    void javaDashJarServesAPaymentsLifeWithItsOwnSettings() throws Exception {
        String base = "http://127.0.0.1:" + start();

        given().get(base + "/v1/setting/payment_assets").then().statusCode(200).body("code", equalTo(0))
                .header("x-ratelimit-limit", "5");
        String traceId = given().contentType("application/x-www-form-urlencoded")
                .formParams(CreationForm.of("sandbox-" + UUID.randomUUID().toString().substring(0, 8), CreationForm.ETH))
                .post(base + "/v1/payments").then().statusCode(200).body("code", equalTo(0)).extract().path("data.traceId");
        given().get(base + "/v1/payments_result?traceId=" + traceId).then().body("data.status", equalTo("unpaid"));
        given().post(base + "/_simulator/payments/" + traceId + "/pay").then().statusCode(200);
        given().get(base + "/v1/payments_result?traceId=" + traceId).then().statusCode(200)
                .body("code", equalTo(0)).body("data.status", equalTo("success"));

        process.destroy();
        assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }

    /** Starts the jar on a free port, with a setting from the environment, and returns the port it bound. */
    private int start() throws Exception {
        log = Files.createTempFile("simulator-", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", jar().toString(), "0").redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("GATEWAY_SIMULATOR_RATE_LIMIT_LIMIT", "5");
        process = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher listening = LISTENING.matcher(Files.readString(log));
            if (listening.find()) {
                return Integer.parseInt(listening.group(1));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the simulator did not start:\n" + Files.readString(log));
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("simulator.jar", "target/mixpay-gateway-0.1.0-SNAPSHOT-simulator.jar"));
        assertThat(jar).as("built by `mvn package`").isRegularFile();
        return jar;
    }
}
