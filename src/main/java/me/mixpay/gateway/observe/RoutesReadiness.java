package me.mixpay.gateway.observe;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * Ready when the route table is loaded. Breaker states are reported, never acted on: an open breaker
 * means MixPay is unwell, and unrouting every replica for it would turn fast, clear 503s into
 * connection errors for every merchant.
 */
@Readiness
@ApplicationScoped
public class RoutesReadiness implements HealthCheck {

    private final RouteTable routes;

    RoutesReadiness(RouteTable routes) {
        this.routes = routes;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("route-groups").status(!routes.groups().isEmpty());
        for (RouteGroup group : routes.groups()) {
            response.withData("breaker." + group.name(), group.breakerLabel());
        }
        return response.build();
    }
}
