package me.mixpay.gateway.relay;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks' signature: {@code v1,<base64 of HMAC-SHA256("<id>.<timestamp>.<body>")>} under each
 * configured {@code whsec_<base64>} key, space-separated, so a merchant verifying with either key of a
 * rotation accepts it.
 */
final class WebhookSigner {

    private static final String PREFIX = "whsec_";
    private final List<SecretKeySpec> keys = new ArrayList<>();

    WebhookSigner(List<String> secrets) {
        for (String secret : secrets) {
            String trimmed = secret.trim();
            if (!trimmed.startsWith(PREFIX)) {
                throw new IllegalStateException("gateway.callbacks.signing-secret: each key is whsec_<base64>, as Standard Webhooks writes it");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(trimmed.substring(PREFIX.length()));
            } catch (IllegalArgumentException notBase64) {
                throw new IllegalStateException("gateway.callbacks.signing-secret: a key is not base64 after whsec_");
            }
            if (key.length < 24) {
                throw new IllegalStateException("gateway.callbacks.signing-secret: a key has fewer than 24 bytes (Standard Webhooks asks 24 to 64)");
            }
            keys.add(new SecretKeySpec(key, "HmacSHA256"));
        }
    }

    boolean signs() {
        return !keys.isEmpty();
    }

    String signature(String id, long timestampSeconds, String body) {
        byte[] content = (id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder();
        for (SecretKeySpec key : keys) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                header.append(header.length() == 0 ? "" : " ").append("v1,").append(Base64.getEncoder().encodeToString(mac.doFinal(content)));
            } catch (GeneralSecurityException impossible) {
                throw new IllegalStateException("every JVM has HmacSHA256", impossible);
            }
        }
        return header.toString();
    }
}
