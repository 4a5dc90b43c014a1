package me.mixpay.gateway.callback;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import me.mixpay.gateway.idempotency.CreationKey;

/**
 * The gateway's callback URL for one payment: {@code <public-url>/callbacks/mixpay/<ref>/<token>}. The ref
 * names the payment's record without revealing its order id; the token, an HMAC of the ref under
 * {@code token-secret}, is the credential MixPay presents. A post with a token that does not match its ref
 * is refused before any store, Redis or MixPay call, so a flood of forgeries costs one HMAC each.
 */
final class CallbackUrls {

    static final String PATH = "/callbacks/mixpay/";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** 128 bits: a ref never collides with another payment's, and names nothing. */
    private static final int REF_BYTES = 16;

    private final String base;
    private final SecretKeySpec key;

    CallbackUrls(URI publicUrl, String secret) {
        String url = publicUrl.toString();
        this.base = (url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + PATH;
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The record's name for a creation: the same creation always has the same ref, so a resend carries the same URL. */
    String refOf(CreationKey creation) {
        byte[] mac = mac("ref\n" + creation.id());
        return BASE64URL.encodeToString(java.util.Arrays.copyOf(mac, REF_BYTES));
    }

    String urlFor(String ref) {
        return base + ref + "/" + token(ref);
    }

    /** Whether the token is the ref's, compared in constant time. */
    boolean verifies(String ref, String token) {
        if (ref == null || token == null || ref.length() > 64 || token.length() > 64) {
            return false;
        }
        return MessageDigest.isEqual(token(ref).getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
    }

    private String token(String ref) {
        return BASE64URL.encodeToString(mac("token\n" + ref));
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("every JVM has HmacSHA256", impossible);
        }
    }
}
