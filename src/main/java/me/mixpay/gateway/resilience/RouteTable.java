package me.mixpay.gateway.resilience;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.config.RouteGroupConfig;

/** The configured route groups, and which one a request belongs to. */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class RouteTable {

    static final String DEFAULT = "default";

    private final Map<String, RouteGroup> groups = new LinkedHashMap<>();
    private final RouteGroup fallback;
    /** Every group but the fallback, in name order: matched on every request, so a plain array. */
    private final RouteGroup[] candidates;

    RouteTable(GatewayConfig config) {
        config.routes().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> groups.put(e.getKey(), new RouteGroup(e.getKey(), e.getValue())));
        RouteGroupConfig defaults = config.routes().get(DEFAULT);
        if (defaults == null) {
            throw new IllegalStateException("gateway.routes.default must be configured: it takes every unmatched request");
        }
        this.fallback = groups.get(DEFAULT);
        this.candidates = groups.values().stream().filter(g -> g != fallback).toArray(RouteGroup[]::new);
    }

    /** The most specific group whose patterns match (the first by name on a tie), else {@code default}. */
    public RouteGroup match(String method, String path) {
        RouteGroup best = fallback;
        int bestSpecificity = -1;
        for (RouteGroup group : candidates) {
            int specificity = group.specificity(method, path);
            if (specificity > bestSpecificity) {
                best = group;
                bestSpecificity = specificity;
            }
        }
        return best;
    }

    public Collection<RouteGroup> groups() {
        return groups.values();
    }

    public Optional<RouteGroup> named(String name) {
        return Optional.ofNullable(groups.get(name));
    }
}
