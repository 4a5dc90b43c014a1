package me.mixpay.gateway.relay;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The merchants' callback targets an operator allowed ({@code gateway.callbacks.allowed-targets}): a URL
 * passes when its scheme, host and port are an entry's, and its path starts with the entry's. The
 * gateway never follows a redirect, so a target can lead nowhere else.
 * <p>
 * Where a name resolves to is checked on every try: a loopback, link-local (the cloud metadata service at
 * 169.254.169.254 among them) or unspecified address is refused unless the entry names that address itself.
 */
public final class AllowedTargets {

    private record Entry(String scheme, String host, int port, String path) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public AllowedTargets(List<String> allowed) {
        for (String text : allowed) {
            if (text.isBlank()) {
                continue;
            }
            URI uri = URI.create(text.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null || uri.getUserInfo() != null
                    || uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalStateException("gateway.callbacks.allowed-targets: " + text + " is not scheme://host[:port][/path]");
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            entries.add(new Entry(scheme, uri.getHost().toLowerCase(Locale.ROOT), port(uri), path.endsWith("/") ? path : path + "/"));
        }
    }

    public boolean any() {
        return !entries.isEmpty();
    }

    /** Whether a merchant's callback URL is one an operator allowed. */
    public boolean allows(String url) {
        return entry(url) != null;
    }

    private Entry entry(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getUserInfo() != null || uri.getFragment() != null) {
            return null;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (path.contains("/../") || path.endsWith("/..") || path.contains("%2e") || path.contains("%2E")) {
            return null;
        }
        for (Entry entry : entries) {
            if (entry.scheme.equals(scheme) && entry.host.equals(host) && entry.port == port(uri)
                    && (path + "/").startsWith(entry.path)) {
                return entry;
            }
        }
        return null;
    }

    /** Whether a try may connect to the address the target's host resolved to. */
    boolean mayConnect(String url, InetAddress address) {
        Entry entry = entry(url);
        if (entry == null) {
            return false;
        }
        boolean internal = address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress() || isMetadata(address);
        return !internal || namesLiterally(entry.host, address);
    }

    /**
     * Cloud metadata services outside the link-local range, which answer whoever reaches them: AWS' IPv6
     * one, Alibaba Cloud's ({@code 100.100.100.200}) and Oracle Cloud's older one ({@code 192.0.0.192}).
     * Private ranges in general stay allowed: a merchant's backend inside the cluster resolves to one.
     */
    private static boolean isMetadata(InetAddress address) {
        String text = address.getHostAddress().toLowerCase(Locale.ROOT);
        return text.startsWith("fd00:ec2:") || text.equals("100.100.100.200") || text.equals("192.0.0.192");
    }

    private static boolean namesLiterally(String host, InetAddress address) {
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try {
            return Character.digit(literal.charAt(0), 16) >= 0 && (literal.contains(":") || literal.chars().allMatch(c -> c == '.' || Character.isDigit(c)))
                    && InetAddress.getByName(literal).equals(address);
        } catch (java.net.UnknownHostException notALiteral) {
            return false;
        }
    }

    static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
