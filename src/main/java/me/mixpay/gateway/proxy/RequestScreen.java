package me.mixpay.gateway.proxy;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import me.mixpay.gateway.envelope.GatewayError;

/**
 * Keeps the gateway from becoming an open proxy: the target is always the configured MixPay base URL
 * plus a clean {@code /v1/...} path, and nothing in the request can change that.
 * <p>
 * The checks are strict on purpose. MixPay's API has no path that needs dot segments, encoded
 * slashes or a method override, so refusing them costs merchants nothing and closes every trick
 * that relies on the gateway and MixPay reading a path differently.
 */
final class RequestScreen {

    /** Headers some servers and frameworks read as "the real URL or method"; never honoured here. */
    private static final List<CharSequence> STEERING_HEADERS = Stream.of(
            "X-Original-URL", "X-Rewrite-URL", "X-Override-URL", "X-Forwarded-Uri",
            "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")
            // AsciiStrings: a header map hashes each once, not on every request.
            .map(HttpHeaders::createOptimized).toList();

    /** Percent-encodings that would let a path segment turn into a separator or a dot segment later. */
    private static final List<String> ENCODED_TRICKS = List.of("%2e", "%2f", "%5c", "%00", "%0d", "%0a", "%25");

    private RequestScreen() {
    }

    /**
     * Checks that apply to every path the gateway serves: no tunnelling, no absolute-form targets, and
     * no path that only means something after normalisation (Vert.x would route {@code /v1/../q/x} to
     * {@code /q/x}).
     */
    static Refusal screenTarget(HttpServerRequest request) {
        HttpMethod method = request.method();
        if (HttpMethod.CONNECT.equals(method) || HttpMethod.TRACE.equals(method)) {
            return new Refusal(GatewayError.METHOD_NOT_ALLOWED,
                    method.name() + " is not accepted: the gateway only forwards MixPay API calls");
        }
        String uri = request.uri();
        if (uri == null || !uri.startsWith("/") || uri.startsWith("//")) {
            return new Refusal(GatewayError.BAD_REQUEST,
                    "only origin-form request targets (a path starting with a single /) are accepted");
        }
        String rawPath = ProxyExchange.withoutQuery(uri);
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (rawPath.contains("//") || rawPath.indexOf('\\') >= 0) {
            return new Refusal(GatewayError.BAD_REQUEST, "empty path segments and backslashes are not accepted");
        }
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return new Refusal(GatewayError.BAD_REQUEST, "dot segments are not accepted in the path");
            }
        }
        for (String trick : ENCODED_TRICKS) {
            if (lower.contains(trick)) {
                return new Refusal(GatewayError.BAD_REQUEST, "encoded dots, slashes and controls are not accepted in the path");
            }
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                return new Refusal(GatewayError.BAD_REQUEST, "control characters are not accepted in the request target");
            }
        }
        return null;
    }

    /** Checks for a request about to be forwarded to MixPay, on top of {@link #screenTarget}. */
    static Refusal screenForward(HttpServerRequest request) {
        Refusal target = screenTarget(request);
        if (target != null) {
            return target;
        }
        if (!request.uri().startsWith("/v1/")) {
            return new Refusal(GatewayError.BAD_REQUEST, "the path is not a MixPay API path");
        }
        // MixPay's API paths are plain words (its one parameter is a number). Another spelling of one, such as
        // /v1/pay%6Dents, /v1/payments;x or /v1/payments/, may reach the same endpoint at MixPay while the
        // gateway judges it by its text: a creation would pass without exactly-once or the callback rules.
        String path = ProxyExchange.withoutQuery(request.uri());
        if (path.indexOf('%') >= 0 || path.indexOf(';') >= 0 || path.endsWith("/")) {
            return new Refusal(GatewayError.BAD_REQUEST,
                    "MixPay API paths are plain: no percent-encoding, no ';' parameters and no trailing '/' in the path");
        }
        for (CharSequence header : STEERING_HEADERS) {
            if (request.headers().contains(header)) {
                return new Refusal(GatewayError.BAD_REQUEST,
                        header + " is not accepted: the gateway's target and method cannot be overridden");
            }
        }
        return null;
    }
}
