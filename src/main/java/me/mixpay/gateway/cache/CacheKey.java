package me.mixpay.gateway.cache;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import io.vertx.core.http.HttpHeaders;

import me.mixpay.gateway.proxy.ProxyExchange;

/**
 * What makes two GETs the same question for MixPay: method, path, every query parameter (decoded and
 * sorted, so {@code ?a=1&b=2} and {@code ?b=2&a=1} share an entry while {@code payeeId} or
 * {@code quoteAmount} make their own), and the codings the merchant accepts, since the body is kept as
 * MixPay sent it. MixPay authenticates nobody, so the answer does not depend on who asks: merchants
 * share entries.
 */
record CacheKey(String text) {

    static CacheKey of(ProxyExchange exchange) {
        String target = exchange.pathAndQuery();
        int mark = target.indexOf('?');
        StringBuilder key = new StringBuilder(target.length() + 32).append(exchange.method().name()).append(' ')
                .append(mark < 0 ? target : target.substring(0, mark));
        if (mark >= 0) {
            key.append('?').append(normalised(target.substring(mark + 1)));
        }
        String codings = exchange.header(HttpHeaders.ACCEPT_ENCODING.toString());
        if (codings != null && !codings.isBlank()) {
            key.append(" ae=").append(codings.replace(" ", "").toLowerCase(Locale.ROOT));
        }
        return new CacheKey(key.toString());
    }

    /** The query's parameters decoded, sorted and re-joined: one spelling per question. */
    static String normalised(String query) {
        List<String> parameters = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            // A separator no decoded name can hold keeps "a=b&c" and "a=b%26c" apart.
            parameters.add(name + '\u0000' + value);
        }
        parameters.sort(null);
        return String.join("&", parameters);
    }

    private static String decode(String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            // A stray % stays as sent: the key is only ever compared, never sent anywhere.
            return part;
        }
    }

    /** The key's name in Redis: fixed length, whatever the query, and nothing of it readable. */
    String digest() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JVM has SHA-256", impossible);
        }
    }
}
