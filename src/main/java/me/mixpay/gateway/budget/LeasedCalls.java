package me.mixpay.gateway.budget;

import java.util.ArrayDeque;
import java.util.EnumMap;

/**
 * Calls this replica took from Redis in a batch and may still send, by class, each until its lease
 * ends (by this replica's monotonic clock, counted from before Redis granted it, so never later than
 * the end Redis stamped); and, per class, how fast calls are asked, which sizes the next batch, and
 * how big the last batch was.
 * <p>
 * A batch holds about {@link #SPAN_MILLIS} of this replica's calls, and the next one is asked for
 * while no more than one batch is left: a round trip to Redis has that long (40 ms) before a call would
 * wait on it, and the last call of the batch goes within two spans (80 ms) of asking, inside the batch's
 * validity (100 ms). The caller bounds each batch by a share of the window's room; when that share is
 * under two calls, as with MixPay's real budget, every call is its own Redis step.
 */
final class LeasedCalls {

    /** How many milliseconds of this replica's calls one batch holds: under half of a batch's validity. */
    static final long SPAN_MILLIS = 40;

    private record Leased(String member, long untilNanos) {
    }

    private static final class OfClass {
        final ArrayDeque<Leased> calls = new ArrayDeque<>();
        final CallRate rate = new CallRate();
        int lastBatch;
    }

    private final EnumMap<Priority, OfClass> byClass = new EnumMap<>(Priority.class);

    LeasedCalls() {
        for (Priority priority : Priority.values()) {
            byClass.put(priority, new OfClass());
        }
    }

    /**
     * What a call got from the batches in hand: a leased call's name (null when none is left), and
     * whether the next batch should be asked for now, which it should while no more than a batch is left.
     */
    record Handout(String member, boolean refillDue) {
        static final Handout NONE = new Handout(null, false);
    }

    /**
     * A leased call of this class still valid now, if any, in one step (one lock per call on the
     * request path). {@code asked} counts the call in the class's rate: false when the same call asks
     * again after waiting for a batch.
     */
    synchronized Handout poll(Priority priority, boolean asked) {
        OfClass of = byClass.get(priority);
        long now = System.nanoTime();
        if (asked) {
            of.rate.count(now);
        }
        while (!of.calls.isEmpty()) {
            Leased next = of.calls.pollFirst();
            if (next.untilNanos() - now > 0) {
                return new Handout(next.member(), of.lastBatch >= 2 && of.calls.size() <= of.lastBatch);
            }
        }
        return Handout.NONE;
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
