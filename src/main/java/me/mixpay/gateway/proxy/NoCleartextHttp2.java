package me.mixpay.gateway.proxy;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * No cleartext HTTP/2 upgrade on the plain listener. With it on, a request carrying {@code Upgrade: h2c}
 * but no {@code HTTP2-Settings} got no reply at all and held its connection until the idle timeout
 * (found by RequestPathFuzzTest): a cheap way to tie up the gateway. Merchants speak HTTP/1.1 to it;
 * HTTP/2 over TLS (ALPN) is unaffected.
 */
@ApplicationScoped
public class NoCleartextHttp2 implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}
