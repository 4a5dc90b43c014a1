package me.mixpay.gateway.budget;

import java.util.ArrayDeque;
import java.util.EnumMap;

/**
 * Calls this replica took from Redis in a batch and may still send, by class, each until its lease
 * ends (by this replica's monotonic clock, counted from before Redis granted it, so never later than
 * the end Redis stamped). Only used while the window has room for far more than a batch: when MixPay's
 * budget is scarce, every call is its own Redis step.
 */
final class LeasedCalls {

    private record Leased(String member, long untilNanos) {
    }

    private final EnumMap<Priority, ArrayDeque<Leased>> byClass = new EnumMap<>(Priority.class);

    LeasedCalls() {
        for (Priority priority : Priority.values()) {
            byClass.put(priority, new ArrayDeque<>());
        }
    }

    /** A leased call of this class still valid now, or null. */
    synchronized String poll(Priority priority) {
        ArrayDeque<Leased> calls = byClass.get(priority);
        long now = System.nanoTime();
        while (!calls.isEmpty()) {
            Leased next = calls.pollFirst();
            if (next.untilNanos() - now > 0) {
                return next.member();
            }
        }
        return null;
    }

    /** Keeps {@code member:from} to {@code member:to} for later calls of this class. */
    synchronized void add(Priority priority, String member, int from, int to, long untilNanos) {
        ArrayDeque<Leased> calls = byClass.get(priority);
        for (int i = from; i <= to; i++) {
            calls.addLast(new Leased(member + ":" + i, untilNanos));
        }
    }
}
