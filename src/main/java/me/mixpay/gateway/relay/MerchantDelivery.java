package me.mixpay.gateway.relay;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import me.mixpay.gateway.trace.RequestTrace;
import me.mixpay.gateway.trace.Traces;

/**
 * One try of one event: the target's host resolved once, the address checked ({@link AllowedTargets}),
 * then a signed JSON POST to that address, redirects not followed, TLS verified for the target's name. Any
 * 2xx (MixPay's {@code {"code": "SUCCESS"}} among them) delivers; anything else is a failed try.
 */
final class MerchantDelivery {

    /** How a try went: {@code status} 0 when no reply came. */
    record Outcome(boolean delivered, int status, String error) {
    }

    private static final Outcome TIMED_OUT = new Outcome(false, 0, "no complete answer within the try's timeout");
    /** Past the deadline, how long a host resolution that never returns is waited for before the try is given up. */
    private static final long GRACE_MILLIS = 500;

    private final Vertx vertx;
    private final HttpClient http;
    private final AllowedTargets allowed;
    private final WebhookSigner signer;
    private final long timeoutMillis;
    private final Traces traces;

    MerchantDelivery(Vertx vertx, AllowedTargets allowed, WebhookSigner signer, Duration timeout, int concurrency, Traces traces) {
        this.vertx = vertx;
        this.traces = traces;
        this.allowed = allowed;
        this.signer = signer;
        this.timeoutMillis = timeout.toMillis();
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .setVerifyHost(true).setMaxPoolSize(Math.max(1, concurrency)).setKeepAlive(true).setIdleTimeout(60));
    }

    /**
     * One try, over within the try's timeout whatever the merchant does: a host that resolves slowly, or a
     * merchant that answers its headers and then dribbles the body, would otherwise hold a delivery slot
     * past its lease, and the event would be tried twice at once.
     */
    Uni<Outcome> send(RelayEvent event) {
        URI uri = URI.create(event.target());
        if (!allowed.allows(event.target())) {
            return Uni.createFrom().item(new Outcome(false, 0, "the target is no longer in gateway.callbacks.allowed-targets"));
        }
        long deadline = System.currentTimeMillis() + timeoutMillis;
        AtomicBoolean abandoned = new AtomicBoolean();
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        Future<Outcome> tried = vertx.<InetAddress>executeBlocking(() -> InetAddress.getByName(host), false).compose(address -> {
            long left = deadline - System.currentTimeMillis();
            if (abandoned.get() || left <= 0) {
                return Future.succeededFuture(TIMED_OUT);
            }
            if (!allowed.mayConnect(event.target(), address)) {
                return Future.succeededFuture(new Outcome(false, 0, "the target resolves to " + address.getHostAddress()
                        + ", a loopback, link-local or metadata address no entry names"));
            }
            return post(event, uri, address, left);
        }, unresolved -> Future.succeededFuture(new Outcome(false, 0, "the target's host does not resolve")));
        // The post ends itself at the deadline; this bounds a resolution that never returns.
        return Uni.createFrom().completionStage(tried.toCompletionStage()).ifNoItem().after(Duration.ofMillis(timeoutMillis + GRACE_MILLIS))
                .recoverWithItem(() -> {
                    abandoned.set(true);
                    return TIMED_OUT;
                });
    }

    private Future<Outcome> post(RelayEvent event, URI uri, InetAddress address, long leftMillis) {
        long timestamp = System.currentTimeMillis() / 1000;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        int port = AllowedTargets.port(uri);
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(uri.getHost()).setPort(port).setSsl("https".equalsIgnoreCase(uri.getScheme())).setURI(path)
                .setFollowRedirects(false).setTimeout(timeoutMillis)
                .putHeader("Content-Type", "application/json").putHeader("User-Agent", "mixpay-gateway")
                .putHeader("webhook-id", event.id()).putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", signer.signature(event.id(), timestamp, event.body()));
        RequestTrace.Attempt traced = traces.delivery(uri.getHost(), request.getHeaders(), event.creationTrace());
        AtomicReference<HttpClientRequest> sending = new AtomicReference<>();
        // The request's own timeout is an idle timeout: a byte now and then keeps it alive. This one is not.
        long timer = vertx.setTimer(Math.max(1, leftMillis), fired -> {
            HttpClientRequest open = sending.get();
            if (open != null) {
                open.reset(0, new TimeoutException(TIMED_OUT.error()));
            }
        });
        return http.request(request).compose(sent -> {
            sending.set(sent);
            return sent.send(Buffer.buffer(event.body()));
        }).compose(reply -> {
            int status = reply.statusCode();
            // The answer is read and dropped, so the connection can be reused; its content does not matter.
            reply.handler(discarded -> {
            });
            return reply.end().map(ended -> status >= 200 && status < 300 ? new Outcome(true, status, null)
                    : new Outcome(false, status, "the merchant answered HTTP " + status));
        }).recover(failure -> Future.succeededFuture(new Outcome(false, 0, String.valueOf(failure.getMessage()))))
                .onComplete(done -> vertx.cancelTimer(timer))
                .onSuccess(outcome -> {
                    if (outcome.status() > 0) {
                        traced.replied(outcome.status(), null);
                    } else {
                        traced.failed("relay_unreachable");
                    }
                });
    }
}
