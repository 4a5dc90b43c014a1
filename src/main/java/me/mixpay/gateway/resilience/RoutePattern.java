package me.mixpay.gateway.resilience;

import java.util.Locale;

/** One {@code "METHOD /path"} pattern of a route group; {@code /**} at the end matches a subtree. */
record RoutePattern(String method, String path, boolean prefix) {

    static RoutePattern parse(String text) {
        String[] parts = text.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[1].startsWith("/")) {
            throw new IllegalArgumentException("route pattern must be \"METHOD /path\", got \"" + text + "\"");
        }
        String method = parts[0].toUpperCase(Locale.ROOT);
        String path = parts[1];
        boolean prefix = path.endsWith("/**");
        return new RoutePattern(method, prefix ? path.substring(0, path.length() - 2) : path, prefix);
    }

    boolean matches(String requestMethod, String requestPath) {
        if (!method.equals("*") && !method.equals(requestMethod)) {
            return false;
        }
        return prefix ? requestPath.startsWith(path) : requestPath.equals(path);
    }

    /** Exact paths beat subtrees, longer beats shorter, a named method beats {@code *}. */
    int specificity() {
        return (prefix ? 0 : 1_000_000) + path.length() * 10 + (method.equals("*") ? 0 : 1);
    }
}
