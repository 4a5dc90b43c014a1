package me.mixpay.gateway.observe;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.vertx.core.Vertx;

/**
 * Alive while an event loop still runs tasks promptly. A blocked event loop is the one failure a
 * restart cures, so it is the one liveness looks for; MixPay's state never enters into it.
 */
@Liveness
@ApplicationScoped
public class EventLoopLiveness implements HealthCheck {

    private final Vertx vertx;

    EventLoopLiveness(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public HealthCheckResponse call() {
        long start = System.nanoTime();
        CompletableFuture<Void> ran = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(ignored -> ran.complete(null));
        try {
            ran.get(2, TimeUnit.SECONDS);
            return HealthCheckResponse.named("event-loop").up()
                    .withData("latencyMicros", (System.nanoTime() - start) / 1000).build();
        } catch (Exception stuck) {
            return HealthCheckResponse.named("event-loop").down().withData("error", "no event-loop task ran within 2 s").build();
        }
    }
}
