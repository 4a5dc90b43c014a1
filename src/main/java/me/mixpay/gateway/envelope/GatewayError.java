package me.mixpay.gateway.envelope;

/**
 * Everything the gateway itself can answer instead of MixPay. Each carries the HTTP status and the
 * MixPay code a merchant SDK already knows how to handle, so SDKs that read {@code code} keep working.
 */
public enum GatewayError {
    /** The request is not one the gateway forwards (bad path, absolute URI, steering headers...). */
    BAD_REQUEST(400, 1017),
    /** CONNECT, TRACE: the gateway is not a general-purpose proxy. */
    METHOD_NOT_ALLOWED(405, 1017),
    /** A path the gateway does not serve: MixPay's own code and words for an unknown path. */
    NOT_FOUND(404, 404),
    /** No gateway API key, or one the gateway does not know: nothing was forwarded. */
    UNAUTHENTICATED(401, 2000),
    /** The merchant took longer than {@code gateway.limits.body-read-timeout} to send its body. */
    REQUEST_TIMEOUT(408, 1017),
    /** The request target is longer than {@code gateway.limits.max-uri-length}. */
    URI_TOO_LONG(414, 1017),
    /** More headers, or more header bytes, than {@code gateway.limits.max-headers}/{@code max-header-size}. */
    HEADERS_TOO_LARGE(431, 1017),
    /** The merchant sent a body over {@code gateway.limits.max-body-size}. */
    REQUEST_BODY_TOO_LARGE(413, 1017),
    /** No connection to MixPay could be opened (refused, DNS, TLS): the request never left the gateway. */
    UPSTREAM_UNREACHABLE(502, -1),
    /** The connection broke after the request was sent; whether MixPay acted on it is unknown. */
    UPSTREAM_RESET(502, -1),
    /** MixPay's reply was bigger than the gateway buffers. */
    UPSTREAM_BODY_TOO_LARGE(502, -1),
    /** MixPay answered an error (HTTP 4xx/5xx) without a readable envelope. */
    UPSTREAM_INVALID_REPLY(502, -1),
    /** MixPay did not answer in time. */
    UPSTREAM_TIMEOUT(504, -1),
    /** The route group's circuit breaker is open: MixPay was not called. */
    CIRCUIT_OPEN(503, -1),
    /** The route group already has as many calls in flight and queued as it allows. */
    BULKHEAD_FULL(503, -1),
    /**
     * No MixPay call could be had from the cluster's request budget within the request's time, or
     * MixPay answered 1429 and every replica waits out its window: MixPay's own code for it.
     */
    BUDGET_EXHAUSTED(429, 1429),
    /**
     * The request reuses an idempotency key (MixPay's order identity or an {@code Idempotency-Key}) with a
     * different request: nothing was forwarded (the IETF draft's 422).
     */
    IDEMPOTENCY_CONFLICT(422, 1017),
    /**
     * A request with the same key is still being answered on another replica, past the time this one
     * waits for it; nothing was forwarded. Sending it again is safe.
     */
    IDEMPOTENCY_IN_PROGRESS(409, -1),
    /**
     * An earlier attempt of this payment creation may have reached MixPay, and MixPay could not be asked
     * whether the payment exists: nothing was sent again. Sending it again is safe; the gateway asks first.
     */
    PAYMENT_UNKNOWN(502, -1),
    /**
     * A post to the gateway's callback path that fails a check (its token, its ids, the payment's terms):
     * nothing is recorded, and no MixPay call is made for the first two.
     */
    CALLBACK_REFUSED(403, -1),
    /**
     * A payment creation whose {@code callbackUrl} is not in {@code gateway.callbacks.allowed-targets}: the
     * gateway would never deliver there, so nothing was forwarded (MixPay's own parameter error code).
     */
    CALLBACK_TARGET_NOT_ALLOWED(400, 1017),
    /** A callback whose payment MixPay does not report final yet: MixPay is asked to send it again. */
    CALLBACK_NOT_FINAL(409, -1),
    /** A callback the gateway could not verify with MixPay now (no budget, no answer): MixPay sends it again. */
    CALLBACK_UNVERIFIED(503, -1),
    /** The gateway is shutting down and takes no new requests. */
    SHUTTING_DOWN(503, -1),
    /** A bug in the gateway: answered, logged, never a stack trace to the caller. */
    INTERNAL(500, -1);

    private final int status;
    private final int code;

    GatewayError(int status, int code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The MixPay code put in the envelope. */
    public int code() {
        return code;
    }

    /** The machine-readable name in the envelope's {@code gateway.error} field and in metrics. */
    public String reason() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
