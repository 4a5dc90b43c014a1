package me.mixpay.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every key of the ConfigMap is a setting the packaged gateway really reads from the environment.
 * Each value is changed from its default before the gateway starts, so a key the gateway ignored would
 * leave the default visible in {@code /admin/routes} or {@code /admin/settings} and fail here.
 */
class ConfigurationFromEnvironmentIT {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");
    private static final Pattern MEMORY = Pattern.compile("(\\d+)([KM])");

    @Test
    void everyConfigMapKeyTakesEffectThroughItsEnvironmentVariable() throws Exception {
        Map<String, String> shipped = Manifests.configEnvironment();
        Map<String, String> changed = new LinkedHashMap<>();
        shipped.forEach((key, value) -> changed.put(key, changed(key, value)));
        // The keys file must exist (a missing one stops the gateway): an empty one, elsewhere.
        java.nio.file.Path keys = java.nio.file.Files.createTempFile("merchant-keys", "");
        changed.put("GATEWAY_AUTH_KEYS_FILE", keys.toString());

        try (PackagedGateway gateway = PackagedGateway.start(changed)) {
            JsonNode routes = get(gateway.management("/admin/routes"));
            JsonNode settings = get(gateway.management("/admin/settings"));
            Map<String, JsonNode> groups = new HashMap<>();
            routes.forEach(group -> groups.put(group.path("name").asText().toUpperCase(Locale.ROOT).replace('-', '_'), group));

            List<String> unread = new ArrayList<>();
            for (Map.Entry<String, String> entry : changed.entrySet()) {
                JsonNode seen = locate(entry.getKey(), groups, settings);
                if (seen == null || !same(entry.getKey(), entry.getValue(), seen)) {
                    unread.add(entry.getKey() + "=" + entry.getValue() + " but the gateway shows " + seen);
                }
            }
            assertThat(unread).as("ConfigMap keys the gateway did not apply").isEmpty();
            assertThat(shipped).hasSizeGreaterThan(100);
        }
    }

    /** A valid value that differs from the shipped one. */
    private static String changed(String key, String value) {
        if (key.endsWith("_MATCH")) {
            return value + ",GET /v1/it-probe/" + key.toLowerCase(Locale.ROOT) + "/**";
        }
        if (key.equals("GATEWAY_UPSTREAM_BASE_URL")) {
            return "http://127.0.0.1:9";
        }
        if (key.equals("GATEWAY_ACCESS_LOG_FORMAT")) {
            return "text";
        }
        if (key.equals("GATEWAY_AUTH_MODE")) {
            return "mtls";
        }
        if (key.equals("GATEWAY_AUTH_HEADER")) {
            return "X-Merchant-Gateway-Key";
        }
        if (key.endsWith("_RETRY_ON") && value.equals("TRANSIENT")) {
            return "TRANSIENT,MAINTENANCE";
        }
        if (key.endsWith("_PRIORITY")) {
            return value.equals("low") ? "critical" : "low";
        }
        if (key.equals("GATEWAY_CLUSTER_KEY_PREFIX")) {
            return "it-probe-prefix";
        }
        if (key.equals("GATEWAY_AUTH_KEYS_FILE")) {
            return value; // replaced by a real file above
        }
        if (value.equals("true") || value.equals("false")) {
            return Boolean.toString(!Boolean.parseBoolean(value));
        }
        if (value.contains(",")) {
            return value.substring(0, value.indexOf(','));
        }
        if (value.matches("\\d+")) {
            return Integer.toString(Integer.parseInt(value) + 1);
        }
        if (value.matches("\\d*\\.\\d+")) {
            return Double.toString(Double.parseDouble(value) / 2);
        }
        Matcher duration = DURATION.matcher(value);
        if (duration.matches()) {
            return (millis(value) + 1000) + "ms";
        }
        Matcher memory = MEMORY.matcher(value);
        if (memory.matches()) {
            return (Integer.parseInt(memory.group(1)) + 1) + memory.group(2);
        }
        throw new AssertionError("no rule to change " + key + "=" + value);
    }

    /** Where the gateway shows the setting a key names. */
    private static JsonNode locate(String key, Map<String, JsonNode> groups, JsonNode settings) {
        if (key.equals("QUARKUS_SHUTDOWN_TIMEOUT")) {
            return settings.path("shutdownTimeout");
        }
        if (key.startsWith("GATEWAY_ROUTES_")) {
            String rest = key.substring("GATEWAY_ROUTES_".length());
            String group = groups.keySet().stream().filter(g -> rest.startsWith(g + "_"))
                    .max(java.util.Comparator.comparingInt(String::length)).orElse(null);
            if (group == null) {
                return null;
            }
            String knob = rest.substring(group.length() + 1);
            JsonNode node = groups.get(group);
            return switch (knob) {
                case "MATCH" -> node.path("match");
                case "IDEMPOTENT" -> node.path("idempotent");
                default -> within(node.path("policy"), knob.split("_"));
            };
        }
        return within(settings, key.substring("GATEWAY_".length()).split("_"));
    }

    /** Finds the node the words name at any nesting, e.g. AUTH_RATE_LIMIT_LIMIT: auth.rateLimit.limit. */
    private static JsonNode within(JsonNode root, String[] words) {
        for (int split = 1; split <= words.length; split++) {
            JsonNode child = root.path(camel(words, 0, split));
            if (child.isMissingNode()) {
                continue;
            }
            if (split == words.length) {
                return child;
            }
            JsonNode deeper = within(child, java.util.Arrays.copyOfRange(words, split, words.length));
            if (deeper != null) {
                return deeper;
            }
        }
        return null;
    }

    private static boolean same(String key, String value, JsonNode seen) {
        if (key.endsWith("_MATCH")) {
            List<String> shown = new ArrayList<>();
            seen.forEach(p -> shown.add(p.asText()));
            return shown.equals(List.of(value.split(",")));
        }
        if (seen.isArray()) {
            TreeSet<String> shown = new TreeSet<>();
            seen.forEach(v -> shown.add(v.asText()));
            return shown.equals(new TreeSet<>(List.of(value.split(","))));
        }
        if (DURATION.matcher(value).matches()) {
            return Duration.parse(seen.asText()).toMillis() == millis(value);
        }
        Matcher memory = MEMORY.matcher(value);
        if (memory.matches()) {
            return seen.asLong() == Long.parseLong(memory.group(1)) * (memory.group(2).equals("K") ? 1024 : 1024 * 1024);
        }
        if (seen.isNumber() && value.contains(".")) {
            return seen.asDouble() == Double.parseDouble(value);
        }
        if (key.endsWith("_URL")) {
            return URI.create(seen.asText()).equals(URI.create(value));
        }
        return seen.asText().equals(value);
    }

    private static long millis(String duration) {
        Matcher m = DURATION.matcher(duration);
        if (!m.matches()) {
            throw new AssertionError(duration);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            default -> n * 60_000;
        };
    }

    private static String camel(String[] words, int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++) {
            String w = words[i].toLowerCase(Locale.ROOT);
            out.append(i == from ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1));
        }
        return out.toString();
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(url).isEqualTo(200);
        return Manifests.JSON.readTree(reply.body());
    }
}
