package me.mixpay.gateway.status;

import java.util.List;
import java.util.Map;

/**
 * One route group as the status page shows it: the last minute's traffic, the breaker, latency and the
 * codes MixPay answered with most.
 *
 * @param errorRates     share of the last minute's requests per error kind, only kinds that occurred
 * @param breakerSinceMs when the breaker last changed state (or was forced), epoch milliseconds
 */
public record GroupStatus(String route, double requestsPerSecond, long requests, long retries,
        Map<String, Double> errorRates, String breaker, boolean forcedOpen, long breakerSinceMs,
        double p50Millis, double p99Millis, List<CodeCount> topCodes) {

    /** A MixPay code, how often it was seen since start-up, and the catalog's text for it. */
    public record CodeCount(String code, long count, String message) {
    }
}
