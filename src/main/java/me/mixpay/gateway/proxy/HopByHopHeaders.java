package me.mixpay.gateway.proxy;

import java.util.Locale;
import java.util.Set;

import io.vertx.core.MultiMap;

/**
 * Headers that describe one TCP hop, not the message (RFC 9110 section 7.6.1), and so must not cross
 * the gateway in either direction, together with any header the Connection header names.
 */
final class HopByHopHeaders {

    private static final Set<String> NAMES = Set.of(
            "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
            "proxy-connection", "proxy-authenticate", "proxy-authorization", "http2-settings");

    private HopByHopHeaders() {
    }

    static boolean isHopByHop(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return NAMES.contains(lower) || lower.startsWith("proxy-");
    }

    /** Removes hop-by-hop headers, including those listed in Connection, in place. */
    static MultiMap strip(MultiMap headers) {
        for (String connection : headers.getAll("Connection")) {
            for (String named : connection.split(",")) {
                String trimmed = named.trim();
                if (!trimmed.isEmpty()) {
                    headers.remove(trimmed);
                }
            }
        }
        headers.names().stream().filter(HopByHopHeaders::isHopByHop).toList().forEach(headers::remove);
        return headers;
    }
}
