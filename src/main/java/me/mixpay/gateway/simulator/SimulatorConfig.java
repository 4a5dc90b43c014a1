package me.mixpay.gateway.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The MixPay simulator's settings, under {@code gateway.simulator}: off unless asked for, so a production
 * gateway never answers for MixPay itself. The simulator's own mapping, not a part of the gateway's, so that
 * it depends on nothing of the gateway (docs/simulator.md); the property names are those operators know.
 * Read by Quarkus when the simulator runs beside the gateway ({@link SimulatorStartup}), and by
 * {@link MixPaySimulator#main} outside Quarkus.
 */
@ConfigMapping(prefix = "gateway.simulator")
public interface SimulatorConfig {
    /** Starts the built-in MixPay simulator. On in dev mode, off in production. */
    @WithDefault("false")
    boolean enabled();

    /** Port of the simulator's own HTTP server (loopback only). */
    @WithDefault("8089")
    int port();

    /** Answer every call with this MixPay code instead of a success (for demos and chaos runs). */
    Optional<Integer> code();

    /** Added latency for every simulated reply. */
    @WithDefault("0ms")
    Duration delay();

    /**
     * Added latency for payment creations only ({@code POST /v1/payments}, {@code /v1/one_time_payment}),
     * on top of {@link #delay()}. The payment exists before the delay starts, as at a MixPay that created
     * it and then answered slowly: what a gateway's timeout on a non-idempotent call has to live with.
     */
    @WithDefault("0ms")
    Duration creationDelay();

    /** A fault applied to every reply: reset, garbage, truncate, empty, hang. */
    Optional<String> fault();

    /** Share of replies (0.0 to 1.0) that get {@link #code()} or {@link #fault()}; the rest succeed. */
    @WithDefault("1.0")
    double faultRatio();

    /**
     * How long after its creation a payment settles by itself: a duration ({@code 5s}) or a range drawn
     * from uniformly per payment ({@code 5s-30s}). Unset, a payment stays {@code unpaid} until the
     * control endpoint pays or fails it, so nothing is ever reported paid that a test did not pay.
     */
    Optional<String> payAfter();

    /** What a payment settles to after {@link #payAfter()}: {@code success} or {@code failed}. */
    @WithDefault("success")
    String payAfterStatus();

    /**
     * Payments kept; past it the oldest are forgotten and answered as never created. Bounds the memory a
     * long benchmark can make the simulator hold.
     */
    @WithDefault("100000")
    int maxPayments();

    /** MixPay's documented rate limit: requests each caller address may make per window; 0 turns it off. */
    @WithName("rate-limit.limit")
    @WithDefault("60")
    int rateLimit();

    /** The rate limit's window ("60 requests per minute"). */
    @WithName("rate-limit.window")
    @WithDefault("60s")
    Duration rateLimitWindow();

    /** Requests kept for {@code GET /_simulator/requests}; older ones still count, they are only not listed. */
    @WithDefault("10000")
    int journalSize();

    /**
     * MixPay's callback retry schedule (0/15/15/30/180/1800/1800/1800/1800/3600 s) is multiplied by this:
     * 0.01 retries a refused callback after 150 ms instead of 15 s.
     */
    @WithName("callbacks.time-scale")
    @WithDefault("1.0")
    double callbackTimeScale();

    /**
     * Public callback addresses mapped to local ones before a callback is posted, as an ingress does:
     * {@code https://pay.example.com=http://127.0.0.1:8080}, comma-separated. MixPay calls back over https
     * only, so a gateway's https {@code callbacks.public-url} reaches its local port through this.
     */
    @WithName("callbacks.rewrite")
    Optional<List<String>> callbackRewrite();
}
