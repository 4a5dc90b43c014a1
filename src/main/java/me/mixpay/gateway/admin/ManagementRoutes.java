package me.mixpay.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;

import me.mixpay.gateway.budget.Priority;
import me.mixpay.gateway.budget.RequestBudget;
import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.config.RouteGroupConfig;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;
import me.mixpay.gateway.callback.CallbackMeters;
import me.mixpay.gateway.callback.CallbackSetup;
import me.mixpay.gateway.relay.CallbackRelay;
import me.mixpay.gateway.relay.RelayMeters;
import me.mixpay.gateway.status.BudgetStatus;
import me.mixpay.gateway.status.CallbackStatus;
import me.mixpay.gateway.status.StatusBoard;
import me.mixpay.gateway.status.StatusConfig;
import me.mixpay.gateway.status.StatusHistory;
import me.mixpay.gateway.status.StatusPage;

/**
 * The operator's endpoints, served on the management interface (port 9000 beside health and metrics),
 * never on the merchant port: the route list with each group's policy and breaker, the replica's other
 * settings, forcing a breaker
 * open or closed (which also needs {@code X-Admin-Token}), and the live status page.
 */
@ApplicationScoped
public class ManagementRoutes {

    private final RouteTable routes;
    private final RequestBudget budget;
    private final BreakerOverride override;
    private final StatusBoard board;
    private final StatusHistory history;
    private final long historyMillis;
    private final ObjectMapper json;
    private final Map<String, Object> settings;
    private final CallbackSetup callbackSetup;
    private final CallbackMeters callbackMeters;
    private final CallbackRelay callbackRelay;

    ManagementRoutes(RouteTable routes, RequestBudget budget, BreakerOverride override, StatusBoard board, ObjectMapper json,
            GatewayConfig config, @ConfigProperty(name = "quarkus.shutdown.timeout") Optional<Duration> shutdownTimeout,
            CallbackSetup callbackSetup, CallbackMeters callbackMeters, CallbackRelay callbackRelay, StatusHistory history,
            StatusConfig statusConfig) {
        this.history = history;
        this.historyMillis = statusConfig.history().toMillis();
        this.callbackSetup = callbackSetup;
        this.callbackMeters = callbackMeters;
        this.callbackRelay = callbackRelay;
        this.settings = settings(config, shutdownTimeout);
        this.routes = routes;
        this.budget = budget;
        this.override = override;
        this.board = board;
        this.json = json;
    }

    public record RouteView(String name, List<String> match, boolean idempotent, String breaker, boolean forcedOpen,
            String lastTransition, int retryBudgetRemaining, Map<String, Object> policy) {
    }

    void register(@Observes ManagementInterface management) {
        management.router().get("/admin/routes").handler(rc -> writeJson(rc, 200, routes.groups().stream().map(ManagementRoutes::view).toList()));
        management.router().get("/admin/settings").handler(rc -> writeJson(rc, 200, settings));
        management.router().post("/admin/routes/:name/circuit/:action").handler(this::force);
        management.router().get("/status").handler(rc -> rc.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                // The page is self-contained: nothing may load from elsewhere, and no script runs.
                .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
                .end(StatusPage.render(budgetStatus(), callbackStatus(), board.snapshot(), history.samples(), historyMillis,
                        System.currentTimeMillis())));
    }

    private CallbackStatus callbackStatus() {
        RelayMeters relay = callbackRelay.meters();
        return new CallbackStatus(callbackSetup.enabled(), callbackMeters.receivedCount(), callbackMeters.verifiedCount(),
                callbackMeters.refusedCounts(), callbackMeters.deferredCount(), callbackMeters.toCacheP99Millis(), relay.waiting(),
                relay.dead(), relay.delivered(), relay.lagP99Millis());
    }

    private BudgetStatus budgetStatus() {
        Map<String, Integer> waiting = new java.util.LinkedHashMap<>();
        for (Priority priority : Priority.values()) {
            waiting.put(priority.label(), budget.waiting(priority));
        }
        return new BudgetStatus(budget.used(), budget.limit(), budget.windowMillis(), budget.mode(), budget.replicas(), waiting,
                budget.pausedForMillis(), budget.mixpayRemaining());
    }

    private void force(RoutingContext rc) {
        if (!override.enabled()) {
            refuse(rc, 403, "forcing breakers is off: set gateway.admin.token to enable it");
            return;
        }
        if (!override.authorised(rc.request().getHeader("X-Admin-Token"))) {
            refuse(rc, 401, "a valid X-Admin-Token is required");
            return;
        }
        RouteGroup group = routes.named(rc.pathParam("name")).orElse(null);
        if (group == null) {
            refuse(rc, 404, "no route group of that name");
            return;
        }
        switch (rc.pathParam("action")) {
            case "open" -> override.open(group);
            case "close" -> override.close(group);
            default -> {
                refuse(rc, 400, "action must be open or close");
                return;
            }
        }
        writeJson(rc, 200, view(group));
    }

    private void refuse(RoutingContext rc, int status, String detail) {
        writeJson(rc, status, Map.of("code", 2000, "success", false, "message", "Insufficient permissions.",
                "gateway", Map.of("error", "admin", "detail", detail)));
    }

    private void writeJson(RoutingContext rc, int status, Object body) {
        try {
            rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            rc.fail(e);
        }
    }

    /** What this replica runs with beyond the route groups; the admin token is never shown. */
    private static Map<String, Object> settings(GatewayConfig config, Optional<Duration> shutdownTimeout) {
        GatewayConfig.Upstream upstream = config.upstream();
        GatewayConfig.Limits limits = config.limits();
        GatewayConfig.Auth auth = config.auth();
        return Map.of(
                "auth", Map.of("enabled", auth.enabled(), "mode", auth.mode(), "header", auth.header(),
                        "keysFile", auth.keysFile().map(Object::toString).orElse("none")),
                "upstream", Map.of("baseUrl", upstream.baseUrl().toString(), "connectTimeout", upstream.connectTimeout().toString(),
                        "readTimeout", upstream.readTimeout().toString(), "maxConnections", upstream.maxConnections(),
                        "idleTimeout", upstream.idleTimeout().toString(),
                        "verifyTls", upstream.verifyTls()),
                "limits", Map.of("maxUriLength", limits.maxUriLength(), "maxHeaders", limits.maxHeaders(),
                        "maxHeaderSize", limits.maxHeaderSize().asLongValue(), "bodyReadTimeout", limits.bodyReadTimeout().toString(),
                        "maxBodySize", limits.maxBodySize().asLongValue(),
                        "maxUpstreamBodySize", limits.maxUpstreamBodySize().asLongValue(),
                        "maxInspectedSize", limits.maxInspectedSize().asLongValue()),
                "accessLog", Map.of("format", config.accessLog().format(),
                        "flushInterval", config.accessLog().flushInterval().toString()),
                "budget", Map.of("limit", config.budget().limit(), "window", config.budget().window().toString(),
                        "sendMargin", config.budget().sendMargin().toString(), "criticalReserve", config.budget().criticalReserve(), "normalReserve", config.budget().normalReserve(),
                        "maxWaiting", config.budget().maxWaiting()),
                "cluster", Map.of("redis", config.cluster().redisUrl().filter(u -> !u.isBlank()).isPresent(),
                        "redisTimeout", config.cluster().redisTimeout().toString(), "heartbeat", config.cluster().heartbeat().toString(),
                        "keyPrefix", config.cluster().keyPrefix()),
                "shutdownTimeout", shutdownTimeout.map(Duration::toString).orElse("none"),
                "adminTokenSet", config.admin().token().filter(t -> !t.isBlank()).isPresent());
    }

    private static RouteView view(RouteGroup group) {
        RouteGroupConfig p = group.policy();
        Map<String, Object> policy = Map.of(
                "retry", Map.ofEntries(Map.entry("maxAttempts", p.retry().maxAttempts()),
                        Map.entry("initialDelay", p.retry().initialDelay().toString()),
                        Map.entry("maxDelay", p.retry().maxDelay().toString()), Map.entry("jitter", p.retry().jitter().toString()),
                        Map.entry("maxDuration", p.retry().maxDuration().toString()), Map.entry("on", p.retry().on()),
                        Map.entry("onStatus", p.retry().onStatus()),
                        Map.entry("maxRetryAfter", p.retry().maxRetryAfter().toString()),
                        Map.entry("budgetRatio", p.retry().budgetRatio()),
                        Map.entry("budgetMinPerSecond", p.retry().budgetMinPerSecond())),
                "circuitBreaker", Map.of("enabled", p.circuitBreaker().enabled(),
                        "failureRatio", p.circuitBreaker().failureRatio(), "requestVolume", p.circuitBreaker().requestVolume(),
                        "delay", p.circuitBreaker().delay().toString(), "successThreshold", p.circuitBreaker().successThreshold(),
                        "maintenanceDelay", p.circuitBreaker().maintenanceDelay().toString()),
                "timeout", Map.of("attempt", p.timeout().attempt().toString(), "overall", p.timeout().overall().toString()),
                "bulkhead", Map.of("maxConcurrent", p.bulkhead().maxConcurrent(), "queue", p.bulkhead().queue()),
                "priority", p.priority().label());
        return new RouteView(group.name(), group.patterns(), p.idempotent(), group.breakerLabel(),
                group.forcedOpen(), Instant.ofEpochMilli(group.lastTransitionMillis()).toString(),
                group.retryBudgetRemaining(), policy);
    }
}
