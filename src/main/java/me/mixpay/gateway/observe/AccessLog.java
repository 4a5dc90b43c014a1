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
    public void refused(String requestId, String method, String path, GatewayError error, String merchant) {
        if (LOG.isInfoEnabled()) {
            LOG.info(renderRefusal(requestId, method, path, error, merchant));
        }
    }

    String renderRefusal(String requestId, String method, String path, GatewayError error, String merchant) {
        String who = merchant == null ? "unidentified" : merchant;
        if (!json) {
            return String.format("%s %s %s merchant=%s refused status=%d error=%s", requestId, method, path, who,
                    error.status(), error.reason());
        }
        return jsonLine(line -> {
            line.writeStringField("requestId", requestId);
            line.writeStringField("merchant", who);
            line.writeStringField("method", method);
            // Refused paths are attacker-chosen: cap what reaches the log.
            line.writeStringField("path", path.length() > 256 ? path.substring(0, 256) + "…" : path);
            line.writeNumberField("status", error.status());
            line.writeStringField("outcome", "refused");
            line.writeStringField("error", error.reason());
        });
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
            if (exchange.trace().on()) {
                line.writeStringField("traceId", exchange.trace().traceId());
                line.writeStringField("spanId", exchange.trace().spanId());
            }
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
