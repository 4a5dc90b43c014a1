package me.mixpay.gateway.idempotency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.buffer.Buffer;

import me.mixpay.gateway.proxy.ProxyExchange;

/**
 * A POST body's parameters as MixPay reads them: a form ({@code curl -d}) or a JSON object, so the two
 * spellings of one order read the same. Sorted by name; {@code name[]} is {@code name}, as PHP writes arrays.
 */
public final class BodyParameters {

    /**
     * Amounts are money: a JSON number is read as the decimal written ({@code 0.123456789012345678901},
     * {@code 10.00}), where a double would round it and the callback's check would find a mismatch.
     */
    private static final ObjectMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();

    private BodyParameters() {
    }

    /** The parameters, or null when the body is neither a form nor a JSON object (it is then taken as bytes). */
    public static Map<String, List<String>> read(ProxyExchange exchange) {
        return read(exchange.body(), exchange.header("Content-Type"));
    }

    /** A body's parameters by its content type, as {@link #read(ProxyExchange)}. */
    public static Map<String, List<String>> read(Buffer body, String type) {
        Map<String, List<String>> params = new TreeMap<>();
        if (body == null || body.length() == 0) {
            return params;
        }
        String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (lower.contains("json")) {
            return json(body, params);
        }
        if (lower.isEmpty() || lower.contains("x-www-form-urlencoded")) {
            try {
                new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), StandardCharsets.UTF_8, false, 1024)
                        .parameters().forEach((name, values) -> values.forEach(value -> add(params, name, value)));
            } catch (IllegalArgumentException malformed) {
                // A broken percent-escape: MixPay will answer it; the gateway only takes the bytes as they are.
                return null;
            }
            return params;
        }
        return null;
    }

    private static Map<String, List<String>> json(Buffer body, Map<String, List<String>> params) {
        JsonNode object;
        try {
            object = EXACT.readTree(body.getBytes());
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
        if (object == null || !object.isObject()) {
            return null;
        }
        object.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isArray()) {
                value.forEach(item -> add(params, field.getKey(), text(item)));
            } else if (!value.isNull()) {
                add(params, field.getKey(), text(value));
            }
        });
        return params;
    }

    /** A member as text: a number exactly as many digits as were written, never through a double. */
    private static String text(JsonNode value) {
        if (value.isBigDecimal()) {
            return value.decimalValue().toPlainString();
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static void add(Map<String, List<String>> params, String name, String value) {
        String plain = name.endsWith("[]") ? name.substring(0, name.length() - 2) : name;
        params.computeIfAbsent(plain, n -> new ArrayList<>(1)).add(value);
    }

    /** The first value of a parameter, trimmed; null when absent or blank. */
    public static String first(Map<String, List<String>> params, String name) {
        List<String> values = params == null ? null : params.get(name);
        if (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isBlank()) {
            return null;
        }
        return values.get(0).trim();
    }
}
