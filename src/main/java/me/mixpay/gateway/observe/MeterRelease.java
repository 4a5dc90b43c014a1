package me.mixpay.gateway.observe;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Removes the gateway's own meters when the application stops. Quarkus keeps the meter registry across
 * a restart in the same JVM (a dev-mode reload, a test profile change), and Micrometer ignores a meter
 * registered again under the same name and tags: without this, the restarted gateway's gauges would
 * go on reading the stopped one's budget and breakers, and its counters would start from its counts.
 */
@Singleton
class MeterRelease {

    private static final String PREFIX = "mixpay.gateway.";

    void release(@Observes ShutdownEvent stopping, MeterRegistry registry) {
        for (Meter meter : registry.getMeters()) {
            if (meter.getId().getName().startsWith(PREFIX)) {
                registry.remove(meter);
            }
        }
    }
}
