package me.mixpay.gateway.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * Headers that describe one TCP hop, not the message (RFC 9110 section 7.6.1), and so must not cross
 * the gateway in either direction, together with any header the Connection header names.
 */
final class HopByHopHeaders {

    /** Compared ignoring case, so a check costs no lower-cased copy of the name: it runs twice per request. */
    private static final Set<String> NAMES = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        NAMES.addAll(List.of("connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                "proxy-connection", "proxy-authenticate", "proxy-authorization", "http2-settings"));
    }

    private HopByHopHeaders() {
    }

    static boolean isHopByHop(String name) {
        return name.regionMatches(true, 0, "proxy-", 0, 6) || NAMES.contains(name);
    }

    /** Removes hop-by-hop headers, including those listed in Connection, in place. */
    static MultiMap strip(MultiMap headers) {
        for (String connection : headers.getAll(HttpHeaders.CONNECTION)) {
            for (String named : connection.split(",")) {
                String trimmed = named.trim();
                if (!trimmed.isEmpty()) {
                    headers.remove(trimmed);
                }
            }
        }
        // Usually there is nothing to remove: no list, no copy of the names, unless there is.
        List<String> found = null;
        for (Map.Entry<String, String> header : headers) {
            if (isHopByHop(header.getKey())) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(header.getKey());
            }
        }
        if (found != null) {
            found.forEach(headers::remove);
        }
        return headers;
    }
}
