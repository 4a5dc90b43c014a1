package me.mixpay.gateway.budget;

import io.smallrye.mutiny.subscription.UniEmitter;

/** A call waiting for budget: its class, its merchant, until when it may wait, and who to tell. */
final class Waiter {

    final Priority priority;
    final String merchant;
    final long deadlineMillis;
    final long sinceNanos = System.nanoTime();
    final UniEmitter<? super Void> emitter;
    long timer = -1;

    Waiter(Priority priority, String merchant, long deadlineMillis, UniEmitter<? super Void> emitter) {
        this.priority = priority;
        this.merchant = merchant;
        this.deadlineMillis = deadlineMillis;
        this.emitter = emitter;
    }
}
