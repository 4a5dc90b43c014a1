package me.mixpay.gateway.observe;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import me.mixpay.gateway.cache.LookupCache;
import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.idempotency.IdempotentForwarder;
import me.mixpay.gateway.proxy.ExchangeListener;
import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.resilience.RouteGroup;
import me.mixpay.gateway.resilience.RouteTable;
import me.mixpay.gateway.trace.RequestTrace;
import me.mixpay.gateway.trace.Traces;

/**
 * One line per request on the {@code mixpay.gateway.access} logger. It names what an on-call engineer
 * needs to follow a request and nothing that could leak: the path without its query string (which may
 * carry signatures), no headers, no bodies.
 * <p>
 * In production the logger has a console handler of its own that prints the message alone
 * ({@code application.properties}), so each line is one JSON object a log shipper parses as it is; the
 * line therefore carries its own {@code time}.
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class AccessLog implements ExchangeListener {

    /** The log category of access lines; production gives it a handler of its own. */
    static final String CATEGORY = "mixpay.gateway.access";

    private static final Logger LOG = Logger.getLogger(CATEGORY);
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final String CALLBACK_PATH = Traces.recordedPath("/callbacks/mixpay/");

    private final boolean json;
    private final RouteTable routes;

    AccessLog(GatewayConfig config, RouteTable routes) {
        this.json = !"text".equalsIgnoreCase(config.accessLog().format());
        this.routes = routes;
    }

    @Override
    public void finished(ProxyExchange exchange, Forwarded forwarded, long durationNanos) {
        if (LOG.isInfoEnabled()) {
            LOG.info(render(exchange, forwarded, durationNanos));
        }
    }

    @Override
    public void refused(String requestId, String method, String path, GatewayError error, String merchant, RequestTrace trace) {
        if (LOG.isInfoEnabled()) {
            LOG.info(renderRefusal(requestId, method, path, error, merchant, trace));
        }
    }

    String renderRefusal(String requestId, String method, String path, GatewayError error, String merchant, RequestTrace trace) {
        String who = merchant == null ? "unidentified" : merchant;
        // Refused paths are attacker-chosen: cap what reaches the log; a callback's credential never does.
        String shown = Traces.recordedPath(path.length() > 256 ? path.substring(0, 256) + "…" : path);
        if (!json) {
            return String.format("%s %s %s merchant=%s refused status=%d error=%s", requestId, method, shown, who,
                    error.status(), error.reason());
        }
        return jsonLine(line -> {
            line.writeStringField("requestId", requestId);
            line.writeStringField("merchant", who);
            line.writeStringField("method", method);
            line.writeStringField("path", shown);
            line.writeNumberField("status", error.status());
            line.writeStringField("outcome", "refused");
            line.writeStringField("error", error.reason());
            traceIds(line, trace);
        });
    }

    @Override
    public void callback(String requestId, String method, int status, GatewayError error, long durationNanos, RequestTrace trace) {
        if (LOG.isInfoEnabled()) {
            LOG.info(renderCallback(requestId, method, status, error, durationNanos, trace));
        }
    }

    /** MixPay's callback post: the caller is MixPay, and the path stands without its ref and token. */
    String renderCallback(String requestId, String method, int status, GatewayError error, long durationNanos, RequestTrace trace) {
        String outcome = error == null ? "callback_accepted" : error.reason();
        double latencyMs = Math.round(durationNanos / 100_000.0) / 10.0;
        if (!json) {
            return String.format("%s %s %s merchant=mixpay route=callback status=%d outcome=%s latency=%.1fms", requestId, method,
                    CALLBACK_PATH, status, outcome, latencyMs);
        }
        return jsonLine(line -> {
            line.writeStringField("requestId", requestId);
            line.writeStringField("merchant", "mixpay");
            line.writeStringField("route", "callback");
            line.writeStringField("method", method);
            line.writeStringField("path", CALLBACK_PATH);
            line.writeNumberField("status", status);
            line.writeStringField("outcome", outcome);
            line.writeNumberField("latencyMs", latencyMs);
            traceIds(line, trace);
        });
    }

    private static void traceIds(JsonGenerator line, RequestTrace trace) throws IOException {
        if (trace != null && trace.on()) {
            line.writeStringField("traceId", trace.traceId());
            line.writeStringField("spanId", trace.spanId());
        }
    }

    String render(ProxyExchange exchange, Forwarded forwarded, long durationNanos) {
        int status = forwarded.reply() != null ? forwarded.reply().status() : forwarded.failure().error().status();
        String code = forwarded.reply() != null ? forwarded.reply().inspection().codeLabel()
                : Long.toString(forwarded.failure().code());
        String category = forwarded.reply() != null ? forwarded.reply().inspection().category().label()
                : forwarded.failure().error().reason();
        String breaker = routes.named(exchange.route()).map(RouteGroup::breakerLabel).orElse("none");
        double latencyMs = durationNanos / 1_000_000.0;
        // hit, miss, stale or coalesced when the look-up cache answered or took part; absent otherwise.
        String cache = forwarded.headers().get(LookupCache.CACHE);
        // replay, joined, reconciled... when the idempotency layer answered or took part; absent otherwise.
        String idempotency = forwarded.headers().get(IdempotentForwarder.HEADER);
        if (!json) {
            return String.format("%s %s %s merchant=%s route=%s status=%d code=%s category=%s attempts=%d latency=%.1fms breaker=%s%s%s",
                    exchange.requestId(), exchange.method().name(), exchange.path(), exchange.merchant(), exchange.route(), status,
                    code, category, exchange.attempts(), latencyMs, breaker, cache == null ? "" : " cache=" + cache,
                    idempotency == null ? "" : " idempotency=" + idempotency);
        }
        return jsonLine(line -> {
            line.writeStringField("requestId", exchange.requestId());
            line.writeStringField("merchant", exchange.merchant());
            line.writeStringField("route", exchange.route());
            line.writeStringField("method", exchange.method().name());
            line.writeStringField("path", exchange.path());
            line.writeNumberField("status", status);
            line.writeStringField("mixpayCode", code);
            line.writeStringField("category", category);
            line.writeStringField("outcome", Outcome.of(forwarded).label());
            line.writeNumberField("attempts", exchange.attempts());
            line.writeNumberField("latencyMs", Math.round(latencyMs * 10) / 10.0);
            line.writeStringField("breaker", breaker);
            traceIds(line, exchange.trace());
            if (cache != null) {
                line.writeStringField("cache", cache);
            }
            if (idempotency != null) {
                // A replay (or a join) is MixPay's earlier answer to the same request: MixPay was not called for it.
                line.writeBooleanField("replay", isReplay(idempotency));
                line.writeStringField("idempotency", idempotency);
            }
        });
    }

    private static boolean isReplay(String idempotency) {
        return idempotency.equals("replay") || idempotency.equals("joined");
    }

    /**
     * The time of a line, to the millisecond, rendered once per millisecond: a busy gateway logs several
     * lines each millisecond, and formatting an {@link Instant} was a fifth of a line's cost. Kept after
     * issue 38: formatting per line, swapped together with Micrometer's {@code MeterProvider} for the
     * counters ({@code CounterFamily}), ran at 0.93x the req/s (bench/reference/ab-speed-helpers.md).
     */
    private record Stamp(long millis, String text) {

        private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

        static String now() {
            long millis = System.currentTimeMillis();
            Stamp stamp = last;
            if (stamp.millis != millis) {
                stamp = new Stamp(millis, Instant.ofEpochMilli(millis).toString());
                last = stamp;
            }
            return stamp.text;
        }
    }

    /** The fields of one JSON log line; writing to a string cannot fail, but the generator says it may. */
    private interface Fields {
        void write(JsonGenerator line) throws IOException;
    }

    /** A JSON line, which carries its own time. */
    private static String jsonLine(Fields fields) {
        StringWriter out = new StringWriter(320);
        try (JsonGenerator line = JSON.createGenerator(out)) {
            line.writeStartObject();
            line.writeStringField("time", Stamp.now());
            fields.write(line);
            line.writeEndObject();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toString();
    }
}
