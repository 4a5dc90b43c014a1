package me.mixpay.gateway.relay;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The merchants' callback targets an operator allowed ({@code gateway.callbacks.allowed-targets}): a URL
 * passes when its scheme, host and port are an entry's, and its path starts with the entry's. The
 * gateway never follows a redirect, so a target can lead nowhere else.
 * <p>
 * Where a name resolves to is checked on every try: a loopback, link-local (the cloud metadata service at
 * 169.254.169.254 among them) or unspecified address is refused unless the entry names that address itself.
 * <p>
 * A target listed for one merchant ({@code gateway.callbacks.merchant-targets.<merchant>}) is that merchant's
 * alone: every merchant's events are signed with the same key, so another merchant naming it would have a
 * genuine-looking event about its own payment delivered there.
 */
public final class AllowedTargets {

    /** {@code owner}: the one merchant this target is for, or null for a target any merchant may name. */
    private record Entry(String scheme, String host, int port, String path, String owner) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public AllowedTargets(List<String> allowed) {
        this(allowed, Map.of());
    }

    public AllowedTargets(List<String> shared, Map<String, List<String>> byMerchant) {
        add(shared, null);
        byMerchant.forEach((merchant, targets) -> add(targets, merchant));
    }

    private void add(List<String> allowed, String owner) {
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
            entries.add(new Entry(scheme, uri.getHost().toLowerCase(Locale.ROOT), port(uri), path.endsWith("/") ? path : path + "/", owner));
        }
    }

    public boolean any() {
        return !entries.isEmpty();
    }

    /** Whether a callback URL is one an operator allowed to some merchant: what a try checks again. */
    public boolean allows(String url) {
        return !matching(url).isEmpty();
    }

    /**
     * Whether this merchant's creation may name this callback URL: an allowed one that no other merchant's
     * entry claims (a merchant's own entry wins over a shared one that also matches).
     */
    public boolean allowsFor(String merchant, String url) {
        List<Entry> matches = matching(url);
        List<Entry> claims = matches.stream().filter(entry -> entry.owner() != null).toList();
        return !matches.isEmpty() && (claims.isEmpty() || claims.stream().anyMatch(entry -> entry.owner().equals(merchant)));
    }

    private List<Entry> matching(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException unreadable) {
            return List.of();
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getUserInfo() != null || uri.getFragment() != null) {
            return List.of();
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (escapesItsPrefix(path)) {
            return List.of();
        }
        List<Entry> matches = new ArrayList<>(1);
        for (Entry entry : entries) {
            if (entry.scheme.equals(scheme) && entry.host.equals(host) && entry.port == port(uri)
                    && (path + "/").startsWith(entry.path)) {
                matches.add(entry);
            }
        }
        return matches;
    }

    /** Whether a try may connect to the address the target's host resolved to. */
    boolean mayConnect(String url, InetAddress address) {
        List<Entry> matches = matching(url);
        if (matches.isEmpty()) {
            return false;
        }
        // Every match has the URL's own host, so any of them tells whether the entry names the address.
        Entry entry = matches.get(0);
        InetAddress reached = embeddedIpv4(address);
        boolean internal = reached.isLoopbackAddress() || reached.isLinkLocalAddress() || reached.isAnyLocalAddress()
                || reached.isMulticastAddress() || isMetadata(reached);
        return !internal || namesLiterally(entry.host, address);
    }

    /**
     * A path that may leave its entry's prefix on the merchant's server: dot segments, and what some servers
     * turn into them or into a separator ({@code ..;} on Tomcat and Spring, encoded dots, slashes and
     * backslashes). None of these belongs in a callback URL.
     */
    private static boolean escapesItsPrefix(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.contains("/../") || lower.endsWith("/..") || lower.contains("/..;") || lower.contains("%2e")
                || lower.contains("%2f") || lower.contains("%5c") || lower.contains("\\");
    }

    /**
     * The IPv4 address an IPv6 one carries and is routed to (IPv4-mapped {@code ::ffff:a.b.c.d},
     * IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}), so that a name resolving to
     * {@code ::ffff:169.254.169.254} is judged as the metadata service it reaches.
     */
    static InetAddress embeddedIpv4(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return address;
        }
        boolean zeros = true;
        for (int i = 4; i < 10; i++) {
            zeros &= bytes[i] == 0;
        }
        boolean firstFourZero = bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0;
        boolean mapped = firstFourZero && zeros && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        boolean compatible = firstFourZero && zeros && bytes[10] == 0 && bytes[11] == 0
                && (bytes[12] | bytes[13] | bytes[14]) != 0;
        boolean nat64 = bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b
                && zeros && bytes[10] == 0 && bytes[11] == 0;
        if (!mapped && !compatible && !nat64) {
            return address;
        }
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOfRange(bytes, 12, 16));
        } catch (java.net.UnknownHostException impossible) {
            return address;
        }
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
