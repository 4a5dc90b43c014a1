package me.mixpay.gateway.observe;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One counter name with its labels, each series registered once and then reused.
 * <p>
 * Registering through {@code Counter.builder(...).register(...)} on every request builds and sorts a
 * meter id each time; the benchmark profile showed that lookup among the gateway's larger costs. The
 * label values given here come from closed sets, so this cache is bounded by the same argument that
 * bounds the series in Prometheus.
 * <p>
 * Kept after issue 38: Micrometer's own {@code MeterProvider} ({@code withTags} per request) in place of
 * this class and {@code GatewayMetrics}' slots, swapped together with the access log's per-line time
 * stamp and four smaller helpers, ran at 0.93x the req/s pooled (rounds 1.06, 0.82, 0.99, 0.92) and
 * 1.07x the CPU per request (run 20261205T142828Z-ab, bench/reference/ab-speed-helpers.md); the two
 * were not measured apart.
 */
final class CounterFamily {

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final String[] labels;
    private final ConcurrentHashMap<List<String>, Counter> series = new ConcurrentHashMap<>();

    CounterFamily(MeterRegistry registry, String name, String description, String... labels) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.labels = labels.clone();
    }

    /** The series for these label values, given in the order the labels were declared. */
    Counter series(String... values) {
        if (values.length != labels.length) {
            throw new IllegalArgumentException(name + " takes " + labels.length + " label values, not " + values.length);
        }
        List<String> key = Arrays.asList(values);
        Counter counter = series.get(key);
        return counter != null ? counter : series.computeIfAbsent(List.copyOf(key), this::register);
    }

    private Counter register(List<String> values) {
        Counter.Builder builder = Counter.builder(name).description(description);
        for (int i = 0; i < labels.length; i++) {
            builder.tag(labels[i], values.get(i));
        }
        return builder.register(registry);
    }
}
