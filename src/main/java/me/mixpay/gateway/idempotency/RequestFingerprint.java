package me.mixpay.gateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import me.mixpay.gateway.proxy.ProxyExchange;

/**
 * Whether a request with a known key is the same request: SHA-256 over the method, the target and the
 * body's parameters in name order (so a form and a JSON body of one order match), or the body's bytes
 * when it has no parameters MixPay would read. Headers are not part of it.
 */
final class RequestFingerprint {

    private RequestFingerprint() {
    }

    static String of(ProxyExchange exchange, Map<String, List<String>> params) {
        MessageDigest sha = sha256();
        update(sha, exchange.method().name());
        update(sha, exchange.pathAndQuery());
        if (params == null) {
            update(sha, "bytes");
            if (exchange.body() != null) {
                sha.update(exchange.body().getBytes());
            }
        } else {
            params.forEach((name, values) -> values.forEach(value -> {
                update(sha, name);
                update(sha, value);
            }));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** A key as it is stored: its digest, so order ids and merchant names never sit in Redis in clear. */
    static String storeKey(String id) {
        MessageDigest sha = sha256();
        update(sha, id);
        return "idempotency:" + HexFormat.of().formatHex(sha.digest());
    }

    /** Each part length-prefixed, so no two different requests can run together into one digest input. */
    private static void update(MessageDigest sha, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }
}
