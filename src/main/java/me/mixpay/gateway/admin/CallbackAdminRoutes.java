package me.mixpay.gateway.admin;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import me.mixpay.gateway.relay.CallbackRelay;

/**
 * The relay's admin API, on the management port: what waits, fails and is dead
 * ({@code GET /admin/callbacks}: ids, target host, tries and the last error, never a body or a secret),
 * and sending dead letters again ({@code POST /admin/callbacks/dead/{id}/redeliver}, or
 * {@code POST /admin/callbacks/dead/redeliver} for all), which needs {@code X-Admin-Token}.
 */
@ApplicationScoped
public class CallbackAdminRoutes {

    private static final int LISTED = 100;

    private final CallbackRelay relay;
    private final AdminToken token;

    CallbackAdminRoutes(CallbackRelay relay, AdminToken token) {
        this.relay = relay;
        this.token = token;
    }

    void register(@Observes ManagementInterface management) {
        management.router().get("/admin/callbacks").handler(rc -> relay.describe(LISTED).subscribe()
                .with(view -> write(rc, 200, view), failure -> write(rc, 503, error("the delivery queue could not be read: "
                        + failure.getMessage()))));
        management.router().post("/admin/callbacks/dead/redeliver").handler(rc -> redeliver(rc, null));
        management.router().post("/admin/callbacks/dead/:id/redeliver").handler(rc -> redeliver(rc, rc.pathParam("id")));
    }

    private void redeliver(RoutingContext rc, String id) {
        if (!token.enabled()) {
            write(rc, 403, error("admin writes are off: set gateway.admin.token to enable them"));
            return;
        }
        if (!token.authorised(rc.request().getHeader(AdminToken.HEADER))) {
            write(rc, 401, error("a valid X-Admin-Token is required"));
            return;
        }
        relay.redeliver(id).subscribe().with(count -> write(rc, id != null && count == 0 ? 404 : 200,
                new JsonObject().put("redelivered", count)), failure -> write(rc, 503, error(failure.getMessage())));
    }

    private static JsonObject error(String detail) {
        return new JsonObject(Map.of("code", 2000, "success", false, "message", "Insufficient permissions.",
                "gateway", Map.of("error", "admin", "detail", String.valueOf(detail))));
    }

    private static void write(RoutingContext rc, int status, JsonObject body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
