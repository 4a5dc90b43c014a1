package me.mixpay.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.resilience.RouteGroup;

/**
 * An operator's hand on a group's breaker during an incident. SmallRye can reset a breaker to closed
 * but not hold one open, so "open" is a flag the forwarder checks before the guards; "close" clears
 * the flag and resets both SmallRye breakers of the group.
 */
@ApplicationScoped
public class BreakerOverride {

    private static final Logger LOG = Logger.getLogger(BreakerOverride.class);

    private final Optional<byte[]> token;
    private final CircuitBreakerMaintenance maintenance;

    BreakerOverride(GatewayConfig config, CircuitBreakerMaintenance maintenance) {
        this.token = config.admin().token().filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.maintenance = maintenance;
    }

    boolean enabled() {
        return token.isPresent();
    }

    /** Constant-time, so the token cannot be guessed byte by byte from response times. */
    boolean authorised(String presented) {
        return presented != null && token.isPresent()
                && MessageDigest.isEqual(token.get(), presented.getBytes(StandardCharsets.UTF_8));
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
