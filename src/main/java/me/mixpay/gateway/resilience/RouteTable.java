package me.mixpay.gateway.resilience;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.config.RouteGroupConfig;

/** The configured route groups, and which one a request belongs to. */
@ApplicationScoped
public class RouteTable {

    static final String DEFAULT = "default";

    private final Map<String, RouteGroup> groups = new LinkedHashMap<>();
    private final RouteGroup fallback;

    RouteTable(GatewayConfig config) {
        config.routes().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> groups.put(e.getKey(), new RouteGroup(e.getKey(), e.getValue())));
        RouteGroupConfig defaults = config.routes().get(DEFAULT);
        if (defaults == null) {
            throw new IllegalStateException("gateway.routes.default must be configured: it takes every unmatched request");
        }
        this.fallback = groups.get(DEFAULT);
    }

    /** The most specific group whose patterns match, else {@code default}. */
    public RouteGroup match(String method, String path) {
        return groups.values().stream()
                .filter(g -> g != fallback && g.matches(method, path))
                .max(Comparator.comparingInt(g -> g.specificity(method, path)))
                .orElse(fallback);
    }

    public Collection<RouteGroup> groups() {
        return groups.values();
    }

    public Optional<RouteGroup> named(String name) {
        return Optional.ofNullable(groups.get(name));
    }
}
