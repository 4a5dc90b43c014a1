package me.mixpay.gateway.budget;

import java.util.ArrayDeque;
import java.util.EnumMap;

/**
 * Calls this replica took from Redis in a batch and may still send, by class, each until its lease
 * ends (by this replica's monotonic clock, counted from before Redis granted it, so never later than
 * the end Redis stamped); and, per class, how fast calls are asked, which sizes the next batch, and
 * whether the next batch is already on its way.
 * <p>
 * A batch holds about {@link #SPAN_MILLIS} of this replica's calls, and the next one is asked for when
 * half of the last one is left: at a steady rate no call waits on Redis while the window has room. The
 * caller bounds each batch by a share of the window's room; when that share is under two calls, as
 * with MixPay's real budget, every call is its own Redis step.
 */
final class LeasedCalls {

    /** How many milliseconds of this replica's calls one batch holds: half of a batch's validity. */
    static final long SPAN_MILLIS = 50;

    private record Leased(String member, long untilNanos) {
    }

    private static final class OfClass {
        final ArrayDeque<Leased> calls = new ArrayDeque<>();
        final CallRate rate = new CallRate();
        int lastBatch;
        boolean refilling;
    }

    private final EnumMap<Priority, OfClass> byClass = new EnumMap<>(Priority.class);

    LeasedCalls() {
        for (Priority priority : Priority.values()) {
            byClass.put(priority, new OfClass());
        }
    }

    /** Counts a call asked for, and hands it a leased call of this class still valid now, or null. */
    synchronized String poll(Priority priority) {
        OfClass of = byClass.get(priority);
        long now = System.nanoTime();
        of.rate.count(now);
        while (!of.calls.isEmpty()) {
            Leased next = of.calls.pollFirst();
            if (next.untilNanos() - now > 0) {
                return next.member();
            }
        }
        return null;
    }

    /** Calls the next batch of this class should hold: its rate's {@link #SPAN_MILLIS}, at most {@code most}. */
    synchronized int batch(Priority priority, int most) {
        if (most < 2) {
            return 1;
        }
        double wanted = Math.ceil(byClass.get(priority).rate.perMilli(System.nanoTime()) * SPAN_MILLIS);
        return (int) Math.max(1, Math.min(most, wanted));
    }

    /**
     * True, once, when half of the last batch of this class is used and no batch is on its way: the
     * caller then asks for the next one, {@link #add}s it and calls {@link #refillEnded} either way.
     */
    synchronized boolean refillDue(Priority priority) {
        OfClass of = byClass.get(priority);
        if (of.refilling || of.lastBatch < 2 || of.calls.size() > of.lastBatch / 2) {
            return false;
        }
        of.refilling = true;
        return true;
    }

    synchronized void refillEnded(Priority priority) {
        byClass.get(priority).refilling = false;
    }

    /**
     * Keeps calls {@code from} to {@code to} of a batch of {@code batch} calls named after
     * {@code member} (the first is {@code member} itself, then {@code member:2}...) for later calls of
     * this class.
     */
    synchronized void add(Priority priority, String member, int from, int to, int batch, long untilNanos) {
        OfClass of = byClass.get(priority);
        for (int i = from; i <= to; i++) {
            of.calls.addLast(new Leased(i == 1 ? member : member + ":" + i, untilNanos));
        }
        of.lastBatch = batch;
    }
}
