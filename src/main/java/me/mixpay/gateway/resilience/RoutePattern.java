package me.mixpay.gateway.resilience;

import java.util.Locale;

/**
 * One {@code "METHOD /path"} pattern of a route group. A path ending in {@code /**} matches the
 * subtree below it and the path itself, as in Ant and Spring path matching: {@code /v1/payments/**}
 * takes {@code /v1/payments} too, so a pattern written for a subtree never silently misses its root.
 * {@code path} is kept without the {@code /**}; the subtree is everything that continues it with a
 * {@code /} (so {@code /v1/setting/**} never takes {@code /v1/settings}).
 */
record RoutePattern(String method, String path, boolean prefix) {

    static RoutePattern parse(String text) {
        String[] parts = text.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[1].startsWith("/")) {
            throw new IllegalArgumentException("route pattern must be \"METHOD /path\", got \"" + text + "\"");
        }
        String method = parts[0].toUpperCase(Locale.ROOT);
        String path = parts[1];
        boolean prefix = path.endsWith("/**");
        return new RoutePattern(method, prefix ? path.substring(0, path.length() - 3) : path, prefix);
    }

    boolean matches(String requestMethod, String requestPath) {
        if (!method.equals("*") && !method.equals(requestMethod)) {
            return false;
        }
        if (!prefix) {
            return requestPath.equals(path);
        }
        return requestPath.startsWith(path)
                && (requestPath.length() == path.length() || requestPath.charAt(path.length()) == '/');
    }

    /** Exact paths beat subtrees, longer beats shorter, a named method beats {@code *}. */
    int specificity() {
        return (prefix ? 0 : 1_000_000) + path.length() * 10 + (method.equals("*") ? 0 : 1);
    }
}
