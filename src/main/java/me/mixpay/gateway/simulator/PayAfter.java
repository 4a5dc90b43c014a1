package me.mixpay.gateway.simulator;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * How long a created payment waits before it settles by itself: one duration, or a range each payment
 * draws from, because a benchmark whose payers all pay at the same instant measures nothing real.
 */
public record PayAfter(Duration shortest, Duration longest) {

    public PayAfter {
        if (shortest.isNegative() || longest.compareTo(shortest) < 0) {
            throw new IllegalArgumentException("pay-after range must be non-negative and ordered: " + shortest + "-" + longest);
        }
    }

    /** {@code 5s} or {@code 5s-30s} (any Quarkus duration on either side). */
    public static PayAfter parse(String text) {
        String trimmed = text.trim();
        // A leading '-' would be a negative duration, not a range, so the separator is looked for after it.
        int dash = trimmed.indexOf('-', 1);
        if (dash < 0) {
            Duration exact = DurationConverter.parseDuration(trimmed);
            return new PayAfter(exact, exact);
        }
        return new PayAfter(DurationConverter.parseDuration(trimmed.substring(0, dash).trim()),
                DurationConverter.parseDuration(trimmed.substring(dash + 1).trim()));
    }

    /** One payment's delay. */
    public Duration draw() {
        long low = shortest.toMillis();
        long high = longest.toMillis();
        return Duration.ofMillis(low == high ? low : ThreadLocalRandom.current().nextLong(low, high + 1));
    }
}
