package me.mixpay.gateway.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import io.vertx.core.MultiMap;

/**
 * Headers that describe one TCP hop, not the message (RFC 9110 section 7.6.1), and so must not cross
 * the gateway in either direction, together with any header the Connection header names.
 */
final class HopByHopHeaders {

    private static final Set<String> NAMES = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        NAMES.addAll(List.of("connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                "proxy-connection", "proxy-authenticate", "proxy-authorization", "http2-settings"));
    }

    private HopByHopHeaders() {
    }

    static boolean isHopByHop(String name) {
        return NAMES.contains(name) || name.regionMatches(true, 0, "proxy-", 0, 6);
    }

    /**
     * Adds to {@code to} the end-to-end headers of {@code from} but those {@code dropped} names: neither
     * hop-by-hop headers nor those Connection lists. One pass over {@code from}, and a remove only for a
     * name Connection lists (usually none).
     */
    static MultiMap copyEndToEnd(MultiMap from, MultiMap to, Predicate<String> dropped) {
        List<String> listed = null;
        for (Map.Entry<String, String> header : from) {
            String name = header.getKey();
            if (isHopByHop(name)) {
                listed = listedIn(header, listed);
            } else if (!dropped.test(name)) {
                to.add(name, header.getValue());
            }
        }
        if (listed != null) {
            listed.forEach(to::remove);
        }
        return to;
    }

    /** The names a Connection header lists, added to {@code names}; any other header adds nothing. */
    private static List<String> listedIn(Map.Entry<String, String> header, List<String> names) {
        if (!header.getKey().equalsIgnoreCase("connection")) {
            return names;
        }
        for (String named : header.getValue().split(",")) {
            String trimmed = named.trim();
            if (!trimmed.isEmpty()) {
                names = addTo(names, trimmed);
            }
        }
        return names;
    }

    private static List<String> addTo(List<String> names, String name) {
        List<String> to = names == null ? new ArrayList<>(2) : names;
        to.add(name);
        return to;
    }
}
