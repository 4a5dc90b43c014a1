package me.mixpay.gateway.proxy;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpHeaders;

/**
 * The {@code X-Request-Id} carried from merchant to MixPay and back. A caller's id is kept when it is
 * a plain token ({@code [A-Za-z0-9._:-]{1,128}}); anything else is replaced, because the id goes into
 * log lines and headers verbatim.
 */
public final class RequestIds {

    // Header names as Netty AsciiStrings, whose case-insensitive hash a header map computes once, not per lookup.
    public static final CharSequence HEADER = HttpHeaders.createOptimized("X-Request-Id");

    private static final Pattern PLAIN_TOKEN = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    public static String of(String callerId) {
        return callerId != null && PLAIN_TOKEN.matcher(callerId).matches() ? callerId : newId();
    }

    /**
     * A random (version 4) UUID. An id only correlates log lines and replies; it guards nothing, so it
     * needs no {@code SecureRandom}, whose generator every event loop would otherwise share per request.
     */
    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
