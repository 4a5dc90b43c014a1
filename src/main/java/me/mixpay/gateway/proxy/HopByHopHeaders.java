package me.mixpay.gateway.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.vertx.core.MultiMap;

/**
 * Headers that describe one TCP hop, not the message (RFC 9110 section 7.6.1), and so must not cross
 * the gateway in either direction, together with any header the Connection header names.
 */
final class HopByHopHeaders {

    /**
     * The names, by length: most headers (Host, Date, Content-Type) have a length no hop-by-hop name
     * has, and are cleared by one array read. The check runs for every header of every request and reply.
     */
    private static final String[][] NAMES_BY_LENGTH = byLength(List.of("connection", "keep-alive",
            "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "http2-settings"));

    private HopByHopHeaders() {
    }

    static boolean isHopByHop(String name) {
        if (name.length() < NAMES_BY_LENGTH.length) {
            for (String hopByHop : NAMES_BY_LENGTH[name.length()]) {
                if (hopByHop.equalsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        // The first letter first: only a name starting with p or P can start with "proxy-" in any case.
        char first = name.isEmpty() ? 0 : name.charAt(0);
        return (first == 'p' || first == 'P') && name.regionMatches(true, 0, "proxy-", 0, 6);
    }

    private static String[][] byLength(List<String> names) {
        int longest = names.stream().mapToInt(String::length).max().orElse(0);
        String[][] table = new String[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            int size = length;
            table[length] = names.stream().filter(name -> name.length() == size).toArray(String[]::new);
        }
        return table;
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
