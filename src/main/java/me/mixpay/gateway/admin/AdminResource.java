package me.mixpay.gateway.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import me.mixpay.gateway.config.RouteGroupConfig;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * The admin API: what each route group's policy is and how its breaker stands (read-only, for
 * dashboards and on-call), and forcing a breaker open or closed (token-protected, for incidents).
 */
@Path("/admin/routes")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final RouteTable routes;
    private final BreakerOverride override;

    AdminResource(RouteTable routes, BreakerOverride override) {
        this.routes = routes;
        this.override = override;
    }

    public record RouteView(String name, List<String> match, boolean idempotent, String breaker, boolean forcedOpen,
            String lastTransition, int retryBudgetRemaining, Map<String, Object> policy) {
    }

    @GET
    public List<RouteView> list() {
        return routes.groups().stream().map(AdminResource::view).toList();
    }

    @POST
    @Path("/{name}/circuit/{action}")
    public Response force(@PathParam("name") String name, @PathParam("action") String action,
            @HeaderParam("X-Admin-Token") String token) {
        if (!override.enabled()) {
            return refuse(Response.Status.FORBIDDEN, "forcing breakers is off: set gateway.admin.token to enable it");
        }
        if (!override.authorised(token)) {
            return refuse(Response.Status.UNAUTHORIZED, "a valid X-Admin-Token is required");
        }
        RouteGroup group = routes.named(name).orElse(null);
        if (group == null) {
            return refuse(Response.Status.NOT_FOUND, "no route group named " + name);
        }
        switch (action) {
            case "open" -> override.open(group);
            case "close" -> override.close(group);
            default -> {
                return refuse(Response.Status.BAD_REQUEST, "action must be open or close");
            }
        }
        return Response.ok(view(group)).build();
    }

    private static Response refuse(Response.Status status, String detail) {
        return Response.status(status).entity(Map.of("code", 2000, "success", false,
                "message", "Insufficient permissions.", "gateway", Map.of("error", "admin", "detail", detail))).build();
    }

    private static RouteView view(RouteGroup group) {
        RouteGroupConfig p = group.policy();
        Map<String, Object> policy = Map.of(
                "retry", Map.of("maxAttempts", p.retry().maxAttempts(), "initialDelay", p.retry().initialDelay().toString(),
                        "maxDelay", p.retry().maxDelay().toString(), "jitter", p.retry().jitter().toString(),
                        "maxDuration", p.retry().maxDuration().toString(), "on", p.retry().on(),
                        "onStatus", p.retry().onStatus(), "budgetRatio", p.retry().budgetRatio()),
                "circuitBreaker", Map.of("enabled", p.circuitBreaker().enabled(),
                        "failureRatio", p.circuitBreaker().failureRatio(), "requestVolume", p.circuitBreaker().requestVolume(),
                        "delay", p.circuitBreaker().delay().toString(), "successThreshold", p.circuitBreaker().successThreshold(),
                        "maintenanceDelay", p.circuitBreaker().maintenanceDelay().toString()),
                "timeout", Map.of("attempt", p.timeout().attempt().toString(), "overall", p.timeout().overall().toString()),
                "bulkhead", Map.of("maxConcurrent", p.bulkhead().maxConcurrent(), "queue", p.bulkhead().queue()),
                "rateLimit", Map.of("limit", p.rateLimit().limit(), "window", p.rateLimit().window().toString()));
        return new RouteView(group.name(), group.patterns(), p.idempotent(), group.breakerState().name().toLowerCase(),
                group.forcedOpen(), Instant.ofEpochMilli(group.lastTransitionMillis()).toString(),
                group.retryBudgetRemaining(), policy);
    }
}
