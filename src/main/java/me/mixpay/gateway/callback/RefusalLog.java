package me.mixpay.gateway.callback;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * Logs refused callbacks without letting a flood of forgeries fill the log: per reason, one line at most
 * every {@link #INTERVAL_MILLIS}, which counts those it stood for. Nothing a forger sent is logged but the
 * reason and the peer's address.
 */
final class RefusalLog {

    private static final Logger LOG = Logger.getLogger(RefusalLog.class);
    static final long INTERVAL_MILLIS = 10_000;

    private record Tally(AtomicLong lastLoggedAt, AtomicLong since) {
    }

    private final Map<String, Tally> byReason = new ConcurrentHashMap<>();

    void refused(String reason, String peer, String requestId) {
        Tally tally = byReason.computeIfAbsent(reason, r -> new Tally(new AtomicLong(), new AtomicLong()));
        tally.since().incrementAndGet();
        long now = System.currentTimeMillis();
        long last = tally.lastLoggedAt().get();
        if (now - last >= INTERVAL_MILLIS && tally.lastLoggedAt().compareAndSet(last, now)) {
            long stood = tally.since().getAndSet(0);
            LOG.warnf("MixPay callback refused (%s) from %s, request %s%s", reason, peer, requestId,
                    stood > 1 ? "; " + stood + " refused for this reason since the last such line" : "");
        }
    }
}
