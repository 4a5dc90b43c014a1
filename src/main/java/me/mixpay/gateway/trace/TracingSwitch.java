package me.mixpay.gateway.trace;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * Tracing is on exactly when an OTLP endpoint is configured ({@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT}
 * or its traces-only form): without one, Quarkus' SDK would export to localhost:4317 and log every
 * failed batch. An explicit {@code quarkus.otel.sdk.disabled} still wins.
 */
public final class TracingSwitch implements ConfigSourceInterceptor {

    static final String DISABLED = "quarkus.otel.sdk.disabled";
    private static final String[] ENDPOINTS = { "quarkus.otel.exporter.otlp.endpoint", "quarkus.otel.exporter.otlp.traces.endpoint" };

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!DISABLED.equals(name) || set(value)) {
            return value;
        }
        boolean endpoint = false;
        for (String property : ENDPOINTS) {
            endpoint |= set(context.proceed(property));
        }
        return ConfigValue.builder().withName(name).withValue(Boolean.toString(!endpoint))
                .withConfigSourceName("mixpay-gateway: tracing on only with an OTLP endpoint").withConfigSourceOrdinal(Integer.MIN_VALUE + 1)
                .build();
    }

    /** Set by someone: a defaults source (Quarkus' own, at the lowest ordinal) does not count. */
    private static boolean set(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > Integer.MIN_VALUE;
    }
}
