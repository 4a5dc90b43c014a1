package me.mixpay.gateway.simulator;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MixPay's documented limit, "60 requests per minute" over all APIs, counted per caller address (nothing
 * else identifies a MixPay caller).
 * <p>
 * A fixed window per caller, opened by its first request and counted down by {@code x-ratelimit-remaining}
 * until it ends: the two headers MixPay sends (a limit and what is left, no reset time, no Retry-After)
 * are those of such a counter, not of a sliding log or a token bucket. A caller may therefore fit up to
 * twice the limit around a window's end; a gateway that must stay under MixPay's limit has to allow for it.
 */
public final class SimulatedRateLimit {

    /** The answer for one request: admitted or not, and what the headers report. */
    public record Decision(boolean admitted, int limit, int remaining) {
    }

    /** A caller's window; {@code admittedLast} tells the request that just counted whether it fit. */
    private record Window(long startMs, int used, boolean admittedLast) {
    }

    /** Past this many callers, windows that have ended are swept (a fuzz run must not grow the map). */
    private static final int SWEEP_AT = 10_000;

    private final int limit;
    private final long windowMs;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    SimulatedRateLimit(int limit, Duration window) {
        this.limit = limit;
        this.windowMs = Math.max(1, window.toMillis());
    }

    boolean enabled() {
        return limit > 0;
    }

    Decision admit(String caller, long nowMs) {
        if (!enabled()) {
            return new Decision(true, 0, 0);
        }
        if (windows.size() > SWEEP_AT) {
            windows.values().removeIf(w -> nowMs - w.startMs() >= windowMs);
        }
        Window after = windows.compute(caller, (key, current) -> {
            if (current == null || nowMs - current.startMs() >= windowMs) {
                return new Window(nowMs, 1, true);
            }
            // A refused request is not counted: it used nothing of MixPay but the refusal.
            return current.used() >= limit ? new Window(current.startMs(), current.used(), false)
                    : new Window(current.startMs(), current.used() + 1, true);
        });
        return new Decision(after.admittedLast(), limit, Math.max(0, limit - after.used()));
    }

    void clear() {
        windows.clear();
    }
}
