package me.mixpay.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import me.mixpay.gateway.config.GatewayConfig;

/** The operator's credential for the admin API's writes ({@code X-Admin-Token}); unset, every write is off. */
@ApplicationScoped
public class AdminToken {

    static final String HEADER = "X-Admin-Token";

    private final Optional<byte[]> token;

    AdminToken(GatewayConfig config) {
        this.token = config.admin().token().filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    boolean enabled() {
        return token.isPresent();
    }

    /** Constant-time, so the token cannot be guessed byte by byte from response times. */
    boolean authorised(String presented) {
        return presented != null && token.isPresent()
                && MessageDigest.isEqual(token.get(), presented.getBytes(StandardCharsets.UTF_8));
    }
}
