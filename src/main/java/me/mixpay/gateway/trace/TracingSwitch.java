package me.mixpay.gateway.trace;

import java.util.Map;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * Tracing is on exactly when an OTLP endpoint is configured ({@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}
 * or its traces-only form). Without one, Quarkus' SDK would export to localhost:4317 and log every failed
 * batch, so it is off. Quarkus' Vert.x HTTP instrumentation is off either way: the gateway opens its own
 * server spans ({@link Traces}) at a fraction of its cost, measured in docs/observability.md, "Tracing".
 * Redis commands, the event bus and SQL are never spans unless an operator asks for them. Any of these
 * properties set explicitly wins.
 */
public final class TracingSwitch implements ConfigSourceInterceptor {

    private static final String[] ENDPOINTS = { "quarkus.otel.exporter.otlp.endpoint", "quarkus.otel.exporter.otlp.traces.endpoint" };

    /** Each property's value with tracing off, then on. */
    private static final Map<String, String[]> DEFAULTS = Map.of(
            "quarkus.otel.sdk.disabled", new String[] { "true", "false" },
            "quarkus.otel.instrument.vertx-http", new String[] { "false", "false" },
            "quarkus.otel.instrument.vertx-event-bus", new String[] { "false", "false" },
            "quarkus.otel.instrument.vertx-sql-client", new String[] { "false", "false" },
            "quarkus.otel.instrument.vertx-redis-client", new String[] { "false", "false" },
            "quarkus.otel.instrument.http-server-metrics", new String[] { "false", "false" });

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        String[] defaults = DEFAULTS.get(name);
        if (defaults == null || set(value)) {
            return value;
        }
        boolean endpoint = false;
        for (String property : ENDPOINTS) {
            endpoint |= set(context.proceed(property));
        }
        return ConfigValue.builder().withName(name).withValue(defaults[endpoint ? 1 : 0])
                .withConfigSourceName("mixpay-gateway: tracing on only with an OTLP endpoint").withConfigSourceOrdinal(Integer.MIN_VALUE + 1)
                .build();
    }

    /** Set by someone: a defaults source (Quarkus' own, at the lowest ordinal) does not count. */
    private static boolean set(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > Integer.MIN_VALUE;
    }
}
