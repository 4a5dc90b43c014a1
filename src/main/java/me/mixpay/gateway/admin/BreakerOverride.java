package me.mixpay.gateway.admin;


import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

import me.mixpay.gateway.resilience.RouteGroup;

/**
 * An operator's hand on a group's breaker during an incident. SmallRye can reset a breaker to closed
 * but not hold one open, so "open" is a flag the forwarder checks before the guards; "close" clears
 * the flag and resets both SmallRye breakers of the group.
 */
@ApplicationScoped
public class BreakerOverride {

    private static final Logger LOG = Logger.getLogger(BreakerOverride.class);

    private final AdminToken token;
    private final CircuitBreakerMaintenance maintenance;

    BreakerOverride(AdminToken token, CircuitBreakerMaintenance maintenance) {
        this.token = token;
        this.maintenance = maintenance;
    }

    boolean enabled() {
        return token.enabled();
    }

    boolean authorised(String presented) {
        return token.authorised(presented);
    }

    void open(RouteGroup group) {
        group.forceOpen(true);
        LOG.warnf("operator forced the breaker of route group %s open", group.name());
    }

    void close(RouteGroup group) {
        group.forceOpen(false);
        for (String name : group.breakerNames()) {
            maintenance.reset(name);
        }
        LOG.warnf("operator forced the breaker of route group %s closed", group.name());
    }
}
