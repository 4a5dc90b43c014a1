package me.mixpay.gateway.proxy;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;

import me.mixpay.gateway.envelope.GatewayException;

/** One attempt, no policy. */
@ApplicationScoped
public class DirectForwarder implements Forwarder {

    private final UpstreamClient upstream;

    DirectForwarder(UpstreamClient upstream) {
        this.upstream = upstream;
    }

    @Override
    public Uni<Forwarded> forward(ProxyExchange exchange) {
        exchange.nextAttempt();
        return upstream.send(exchange)
                .map(reply -> Forwarded.replied(reply, MultiMap.caseInsensitiveMultiMap()))
                .onFailure(GatewayException.class)
                .recoverWithItem(failure -> Forwarded.failed((GatewayException) failure, MultiMap.caseInsensitiveMultiMap()));
    }
}
