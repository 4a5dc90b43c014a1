package me.mixpay.gateway.proxy;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import io.netty.buffer.ByteBuf;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.codec.BodyCodec;

import me.mixpay.gateway.catalog.ErrorCatalog;
import me.mixpay.gateway.config.GatewayConfig;
import me.mixpay.gateway.envelope.EnvelopeInspector;
import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.envelope.Inspection;
import me.mixpay.gateway.trace.RequestTrace;

/**
 * Sends one attempt of an exchange to MixPay and returns the complete, inspected reply.
 * <p>
 * The target host, port and scheme are fixed when the client is built, from
 * {@code gateway.upstream.base-url}; a request only contributes its (screened) path and query.
 * Redirects are never followed, since a redirect is MixPay's answer to the merchant, not an
 * instruction to the gateway to call someone else.
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class UpstreamClient {

    private final EventLoopClients clients;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String basePath;
    private final long readTimeoutMillis;
    private final EnvelopeInspector inspector;
    /** Stateless (each reply gets its own stream from it), so one serves every request. */
    private final BodyCodec<io.vertx.core.buffer.Buffer> replyCodec;

    UpstreamClient(Vertx vertx, GatewayConfig config) {
        GatewayConfig.Upstream upstream = config.upstream();
        URI base = upstream.baseUrl();
        this.ssl = "https".equalsIgnoreCase(base.getScheme());
        if (!ssl && !"http".equalsIgnoreCase(base.getScheme())) {
            throw new IllegalArgumentException("gateway.upstream.base-url must be an http or https URL, got " + base);
        }
        this.host = base.getHost();
        this.port = base.getPort() > 0 ? base.getPort() : (ssl ? 443 : 80);
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.readTimeoutMillis = upstream.readTimeout().toMillis();
        this.replyCodec = BodyCodec.newInstance(new BoundedBodyCodec(config.limits().maxUpstreamBodySize().asLongValue()));
        this.inspector = new EnvelopeInspector(ErrorCatalog.mixpay(),
                (int) Math.min(Integer.MAX_VALUE - 8, config.limits().maxInspectedSize().asLongValue()));

        WebClientOptions options = new WebClientOptions()
                .setConnectTimeout((int) upstream.connectTimeout().toMillis())
                .setMaxPoolSize(upstream.maxConnections())
                .setKeepAlive(true)
                .setKeepAliveTimeout((int) Math.max(1, upstream.idleTimeout().toSeconds()))
                .setFollowRedirects(false)
                .setUserAgentEnabled(false)
                .setDecompressionSupported(false)
                .setSsl(ssl)
                .setTrustAll(!upstream.verifyTls())
                .setVerifyHost(upstream.verifyTls())
                .setForceSni(ssl)
                // Each attempt's client span is the gateway's own (RequestTrace), with its resend count.
                .setTracingPolicy(TracingPolicy.IGNORE);
        this.clients = new EventLoopClients(vertx, options);
    }

    /** The upstream as operators configured it, for logs and the admin API (no credentials in it). */
    public String target() {
        return (ssl ? "https://" : "http://") + host + ":" + port + basePath;
    }

    /**
     * Sends the exchange once. Fails with {@link UpstreamFailure} when MixPay gave no complete reply;
     * any reply MixPay did give, error code or not, is a successful item.
     * <p>
     * {@code attemptLimit} caps the read timeout: once the caller has given up on the attempt, a silent
     * connection is closed then rather than held, with its pool slot, until the read timeout.
     */
    public Uni<UpstreamReply> send(ProxyExchange exchange, java.time.Duration attemptLimit) {
        RequestOptions target = new RequestOptions()
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(basePath + exchange.pathAndQuery());
        MultiMap headers = exchange.upstreamHeaders();
        RequestTrace.Attempt traced = RequestTrace.Attempt.NONE;
        if (exchange.trace().on()) {
            headers = MultiMap.caseInsensitiveMultiMap().addAll(headers);
            traced = exchange.trace().attempt(exchange.method().name(), host, Math.max(0, exchange.attempts() - 1), headers);
        }
        HttpRequest<io.vertx.core.buffer.Buffer> request = clients.current().request(
                io.vertx.core.http.HttpMethod.valueOf(exchange.method().name()), target)
                .putHeaders(io.vertx.mutiny.core.MultiMap.newInstance(headers))
                .timeout(Math.min(readTimeoutMillis, attemptLimit.toMillis()))
                .as(replyCodec);
        Uni<HttpResponse<io.vertx.core.buffer.Buffer>> sent = exchange.body() == null
                ? request.send()
                : request.sendBuffer(io.vertx.mutiny.core.buffer.Buffer.newInstance(exchange.body()));
        RequestTrace.Attempt attempt = traced;
        return sent.onItem().transform(this::toReply)
                .onFailure().transform(UpstreamClient::toFailure)
                .onItemOrFailure().invoke((reply, failure) -> {
                    if (failure == null) {
                        attempt.replied(reply.status(), reply.inspection().codeLabel());
                    } else {
                        attempt.failed(failure instanceof UpstreamFailure known ? known.error().reason() : failure.getClass().getSimpleName());
                    }
                })
                .onCancellation().invoke(attempt::cancelled);
    }

    private UpstreamReply toReply(HttpResponse<io.vertx.core.buffer.Buffer> response) {
        // Copied out of Netty's map in the pass that leaves the hop-by-hop headers behind: each read of
        // Netty's map converts its entries again (once to strip them, once more to relay them, as it was),
        // and the lookups that follow (budget, Retry-After, Content-Encoding) find them in a Vert.x map.
        MultiMap headers = HopByHopHeaders.copyEndToEnd(response.headers().getDelegate(), MultiMap.caseInsensitiveMultiMap(),
                name -> false);
        io.vertx.core.buffer.Buffer body = response.body() == null ? io.vertx.core.buffer.Buffer.buffer() : response.body();
        return new UpstreamReply(response.statusCode(), headers, body, inspect(body, headers.get(HttpHeaders.CONTENT_ENCODING)));
    }

    /** Inspects the body where it lies when it is on the heap (as the body codec's buffer is), instead of copying it. */
    private Inspection inspect(io.vertx.core.buffer.Buffer body, String contentEncoding) {
        ByteBuf bytes = body.getByteBuf();
        if (bytes.hasArray()) {
            return inspector.inspect(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes(), contentEncoding);
        }
        return inspector.inspect(body.getBytes(), contentEncoding);
    }

    /** Maps a transport failure to what the gateway reports, and whether MixPay may have seen the request. */
    static Throwable toFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UpstreamFailure known) {
                return known;
            }
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return new UpstreamFailure(GatewayError.UPSTREAM_UNREACHABLE, false,
                        "no connection to MixPay could be opened", failure);
            }
            if (cause instanceof SSLException) {
                // The handshake comes before any request byte: nothing reached MixPay.
                return new UpstreamFailure(GatewayError.UPSTREAM_UNREACHABLE, false,
                        "the TLS handshake with MixPay failed", failure);
            }
            if (cause instanceof TimeoutException) {
                return new UpstreamFailure(GatewayError.UPSTREAM_TIMEOUT, true,
                        "MixPay did not answer in time", failure);
            }
            if (cause instanceof HttpClosedException) {
                break;
            }
        }
        return new UpstreamFailure(GatewayError.UPSTREAM_RESET, true,
                "the connection to MixPay broke before a complete reply", failure);
    }

    @PreDestroy
    void close() {
        clients.close();
    }
}
