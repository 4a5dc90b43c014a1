package me.mixpay.gateway.budget;

import java.util.function.BooleanSupplier;

import io.smallrye.mutiny.subscription.UniEmitter;

/** A call waiting for budget: its class, its merchant, until when it may wait, whether it is still wanted, and who to tell. */
final class Waiter {

    final Priority priority;
    final String merchant;
    final long deadlineMillis;
    /** False once nobody needs the call any more (its request was answered meanwhile): it then leaves unserved, spending nothing. */
    final BooleanSupplier wanted;
    final long sinceNanos = System.nanoTime();
    final UniEmitter<? super Void> emitter;
    long timer = -1;

    Waiter(Priority priority, String merchant, long deadlineMillis, BooleanSupplier wanted, UniEmitter<? super Void> emitter) {
        this.priority = priority;
        this.merchant = merchant;
        this.deadlineMillis = deadlineMillis;
        this.wanted = wanted;
        this.emitter = emitter;
    }
}
