package me.mixpay.gateway.status;

import java.util.List;

/**
 * The last minute of one route group's traffic, in one-second slots, so the status page shows rates
 * that move with the traffic rather than averages since start-up. A slot is reused once its second
 * has left the window, so memory is fixed whatever the load.
 */
final class TrafficWindow {

    static final int SECONDS = 60;

    private final List<String> kinds;
    private final long[] slotSecond = new long[SECONDS];
    /** Per slot: requests, retries, then one count per error kind. */
    private final long[][] counts;

    TrafficWindow(List<String> kinds) {
        this.kinds = List.copyOf(kinds);
        this.counts = new long[SECONDS][2 + kinds.size()];
    }

    /** @param errorKind one of the kinds this window was built with, or null for a success */
    synchronized void record(long nowMillis, int retries, String errorKind) {
        long[] slot = slot(nowMillis / 1000);
        slot[0]++;
        slot[1] += retries;
        if (errorKind != null) {
            slot[2 + kinds.indexOf(errorKind)]++;
        }
    }

    synchronized Totals totals(long nowMillis) {
        long now = nowMillis / 1000;
        long[] sum = new long[2 + kinds.size()];
        for (int i = 0; i < SECONDS; i++) {
            if (now - slotSecond[i] < SECONDS) {
                for (int c = 0; c < sum.length; c++) {
                    sum[c] += counts[i][c];
                }
            }
        }
        long[] errors = new long[kinds.size()];
        System.arraycopy(sum, 2, errors, 0, errors.length);
        return new Totals(sum[0], sum[1], errors);
    }

    private long[] slot(long second) {
        int index = (int) (second % SECONDS);
        if (slotSecond[index] != second) {
            slotSecond[index] = second;
            java.util.Arrays.fill(counts[index], 0);
        }
        return counts[index];
    }

    /** Sums over the window; {@code errors} is indexed like the kinds the window was built with. */
    record Totals(long requests, long retries, long[] errors) {
    }
}
