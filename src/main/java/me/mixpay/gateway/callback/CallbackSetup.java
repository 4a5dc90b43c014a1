package me.mixpay.gateway.callback;

import java.net.URI;
import java.util.Locale;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;

/**
 * Whether callbacks are on, checked once at start: a public URL MixPay would refuse, or one without a
 * token secret, stops the start with the reason instead of failing every creation later.
 */
@Startup
@Singleton
public class CallbackSetup {

    private static final Logger LOG = Logger.getLogger(CallbackSetup.class);
    /** Shorter keys make the HMAC the weakest link (RFC 2104: at least the hash's output length is advised). */
    static final int MIN_SECRET_LENGTH = 32;

    private final CallbackUrls urls;
    private final boolean pacePolls;

    CallbackSetup(CallbackConfig config) {
        this.pacePolls = config.pacePolls();
        if (config.publicUrl().isEmpty()) {
            this.urls = null;
            return;
        }
        URI url = config.publicUrl().get();
        if (url.getScheme() == null || !url.getScheme().toLowerCase(Locale.ROOT).equals("https") || url.getHost() == null
                || url.getQuery() != null || url.getFragment() != null) {
            throw new IllegalStateException("gateway.callbacks.public-url must be an https URL without query or fragment "
                    + "(MixPay calls back over https only), not " + url);
        }
        String secret = config.tokenSecret().orElse("");
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("gateway.callbacks.token-secret (GATEWAY_CALLBACKS_TOKEN_SECRET) must be set to at "
                    + "least " + MIN_SECRET_LENGTH + " characters when gateway.callbacks.public-url is set");
        }
        this.urls = new CallbackUrls(url, secret);
        LOG.infof("payment callbacks: creations carry %s<ref>/<token>", url + CallbackUrls.PATH);
    }

    /** The URLs, or null when callbacks are off. */
    CallbackUrls urls() {
        return urls;
    }

    public boolean enabled() {
        return urls != null;
    }

    boolean pacePolls() {
        return pacePolls;
    }
}
