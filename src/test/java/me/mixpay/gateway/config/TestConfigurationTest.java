package me.mixpay.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Tests keep their own configuration in src/test/resources/application-test.properties; production and
 * dev mode read src/main/resources/application.properties alone. This checks that the tests really see
 * both, and that no {@code %test.} line creeps back into the production file.
 */
@QuarkusTest
class TestConfigurationTest {

    @Test
    void testsSeeTheProductionFileAndTheirOwn() {
        var config = ConfigProvider.getConfig();
        // from src/main/resources/application.properties
        assertEquals("mixpay-gateway", config.getValue("quarkus.application.name", String.class));
        assertTrue(config.getOptionalValue("gateway.routes.settings.match", String.class).isPresent());
        // from src/test/resources/application-test.properties, without a %test. prefix
        assertEquals("GET /v1/test/retry/**", config.getValue("gateway.routes.t-retry.match", String.class));
        assertEquals("test-admin-token", config.getValue("gateway.admin.token", String.class));
        assertEquals(false, config.getValue("gateway.auth.enabled", Boolean.class));
    }

    @Test
    void theProductionFileHoldsNoTestLines() throws Exception {
        List<String> testLines = Files.readAllLines(Path.of("src/main/resources/application.properties")).stream()
                .filter(line -> line.strip().startsWith("%test.")).toList();
        assertTrue(testLines.isEmpty(), "move these to src/test/resources/application-test.properties "
                + "(without the %test. prefix): " + testLines);
    }
}
