package me.mixpay.gateway.resilience;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * A time limit on a call, kept by the event loop the call was made on. It fails the call with
 * MicroProfile's {@link TimeoutException}, the same failure SmallRye's own timeout raises, so the
 * retry decision and both breakers judge it exactly as before.
 * <p>
 * Why not SmallRye's {@code withTimeout()}: SmallRye 6.11 keeps every timeout on one timer thread and
 * wakes that thread ({@code LockSupport.unpark}) on each call it schedules. With an attempt and an
 * overall timeout per request that was two cross-thread wake-ups per request, 9 % of the gateway's CPU
 * in the benchmark profile. A Netty event loop schedules a task for itself without waking anyone, and
 * runs it on the thread that owns the request.
 */
final class Deadline {

    private final Duration limit;
    private final String what;

    /** {@code what} names the limit in the failure, e.g. "attempt" or "request". */
    Deadline(Duration limit, String what) {
        this.limit = limit;
        this.what = what;
    }

    /**
     * The call, failed with a {@link TimeoutException} if it has not produced its item within the
     * limit; the call is then cancelled. Must be called where the call is made, on its event loop.
     */
    <T> Uni<T> bound(Uni<T> call) {
        return bound(call, limit);
    }

    /** The same, with what is left of the limit when part of it was already spent elsewhere. */
    <T> Uni<T> bound(Uni<T> call, Duration left) {
        return call.ifNoItem().after(left).on(timerHere())
                .failWith(() -> new TimeoutException(what + " exceeded its " + limit.toMillis() + " ms limit"));
    }

    /**
     * The event loop running this thread; off an event loop (a retry resumed by SmallRye's back-off
     * timer, a test thread) Mutiny's default scheduler, which is what {@code ifNoItem()} uses anyway.
     */
    private static ScheduledExecutorService timerHere() {
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        return loop != null ? loop : Infrastructure.getDefaultWorkerPool();
    }

    Duration limit() {
        return limit;
    }
}
