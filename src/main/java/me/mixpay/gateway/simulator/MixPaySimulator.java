package me.mixpay.gateway.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import me.mixpay.gateway.catalog.ErrorCatalog;
import me.mixpay.gateway.config.GatewayConfig;

/**
 * A stand-in for the MixPay API on its own loopback port, so the gateway runs and can be demonstrated
 * offline. It answers the common endpoints with MixPay-shaped envelopes and, per request or by
 * configuration, with any catalog code, a delay, or a fault.
 * <p>
 * Per-request control headers (they pass through the gateway like any merchant header):
 * {@code X-Simulate-Code}, {@code X-Simulate-Status}, {@code X-Simulate-Delay-Ms},
 * {@code X-Simulate-Fault} (reset, garbage, truncate, empty, hang), {@code X-Simulate-Retry-After}.
 * <p>
 * Off unless {@code gateway.simulator.enabled} is true; the production profile never turns it on.
 */
@ApplicationScoped
public class MixPaySimulator {

    private static final Logger LOG = Logger.getLogger(MixPaySimulator.class);

    private final GatewayConfig.Simulator config;
    private final ErrorCatalog catalog = ErrorCatalog.mixpay();
    private Vertx vertx;
    private HttpServer server;

    MixPaySimulator(GatewayConfig config) {
        this.config = config.simulator();
    }

    void start(@Observes StartupEvent started) {
        if (!config.enabled()) {
            return;
        }
        // Its own Vert.x: the simulator stands for another service, so it must not share the gateway's
        // event loops, nor show up in the gateway's HTTP server metrics.
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(1024 * 1024));
        router.route().handler(this::answer);
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(config.port()))
                .requestHandler(router);
        server.listen().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        LOG.infof("MixPay simulator listening on http://127.0.0.1:%d", server.actualPort());
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (vertx != null) {
            vertx.close();
        }
    }

    private void answer(RoutingContext rc) {
        MultiMap headers = rc.request().headers();
        boolean misbehave = ThreadLocalRandom.current().nextDouble() < config.faultRatio();
        Optional<SimulatedFault> fault = SimulatedFault.parse(headers.get("X-Simulate-Fault"))
                .or(() -> misbehave ? config.fault().flatMap(SimulatedFault::parse) : Optional.empty());
        long delay = parseLong(headers.get("X-Simulate-Delay-Ms"), config.delay().toMillis());
        Runnable reply = () -> fault.ifPresentOrElse(f -> misbehave(rc, f), () -> envelope(rc, misbehave));
        if (delay > 0) {
            rc.vertx().setTimer(delay, ignored -> reply.run());
        } else {
            reply.run();
        }
    }

    private void envelope(RoutingContext rc, boolean misbehave) {
        MultiMap headers = rc.request().headers();
        Long forced = null;
        if (headers.contains("X-Simulate-Code")) {
            forced = parseLong(headers.get("X-Simulate-Code"), -1);
        } else if (misbehave && config.code().isPresent()) {
            forced = config.code().get().longValue();
        }
        MultiMap params = MultiMap.caseInsensitiveMultiMap().addAll(rc.request().params());
        if (rc.body().length() > 0) {
            readBodyParams(rc, params);
        }
        Object data = forced == null ? SimulatedEndpoints.data(rc.request().method().name(), rc.request().path(), params) : null;
        long code = forced != null ? forced : data == null ? 404 : 0;
        JsonObject envelope = new JsonObject()
                .put("code", code)
                .put("success", code == 0)
                .put("message", code == 0 ? "" : catalog.lookup(code).map(e -> e.message()).orElse("Unknown error."))
                .put("data", code == 0 ? data : new io.vertx.core.json.JsonArray())
                .put("timestampMs", System.currentTimeMillis());
        int status = (int) parseLong(headers.get("X-Simulate-Status"), code == 404 && forced == null ? 404 : 200);
        HttpServerResponse response = rc.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        String retryAfter = headers.get("X-Simulate-Retry-After");
        if (retryAfter != null) {
            response.putHeader("Retry-After", retryAfter);
        }
        Buffer body = envelope.toBuffer();
        String acceptEncoding = headers.get("Accept-Encoding");
        if (acceptEncoding != null && acceptEncoding.contains("gzip")) {
            response.putHeader("Content-Encoding", "gzip");
            body = Buffer.buffer(gzip(body.getBytes()));
        }
        response.end(body);
    }

    private void misbehave(RoutingContext rc, SimulatedFault fault) {
        HttpServerResponse response = rc.response();
        switch (fault) {
            case RESET -> rc.request().connection().close();
            case GARBAGE -> response.setStatusCode(200).putHeader("Content-Type", "text/html")
                    .end("<html><body>502 Bad Gateway</body></html>");
            case TRUNCATE -> {
                response.setStatusCode(200).putHeader("Content-Type", "application/json").putHeader("Content-Length", "400");
                response.write("{\"code\":0,\"success\":true,\"data\":{\"traceId\":\"");
                rc.request().connection().close();
            }
            case EMPTY -> response.setStatusCode(200).end();
            case HANG -> {
                // Nothing: the gateway's read timeout must end the attempt.
            }
        }
    }

    private static void readBodyParams(RoutingContext rc, MultiMap params) {
        String type = rc.request().getHeader("Content-Type");
        if (type != null && type.contains("json")) {
            try {
                rc.body().asJsonObject().forEach(e -> params.add(e.getKey(), String.valueOf(e.getValue())));
            } catch (RuntimeException notJson) {
                // A bad body is the merchant's problem; the reply simply lacks the echoed fields.
            }
        } else {
            params.addAll(rc.request().formAttributes());
        }
    }

    private static long parseLong(String value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException notANumber) {
            return fallback;
        }
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(body);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }
}
