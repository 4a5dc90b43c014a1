package me.mixpay.gateway.relay;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * Events waiting for delivery, one mailbox per payment: only a mailbox's oldest event is ever handed out,
 * so a payment's later event never overtakes an earlier one. A taken mailbox is leased until
 * {@code leaseUntil}: nobody else gets it meanwhile, and it comes due again by itself when its taker dies.
 */
interface DeliveryQueue {

    /** A mailbox's head, as handed out, with when it was due. */
    record Due(RelayEvent event, long dueAt) {
    }

    /** Adds the event behind its payment's others; false when an event with its id was added before. */
    Uni<Boolean> add(RelayEvent event, long now, long rememberMillis);

    /** Up to {@code max} due mailboxes' heads, each leased until {@code leaseUntil}. */
    Uni<List<RelayEvent>> take(long now, long leaseUntil, int max);

    /** The head was delivered: the payment's next event, if any, is due now. */
    Uni<Void> delivered(RelayEvent event, long now);

    /** The head failed a try: kept as {@code updated}, due again at {@code nextAt}. */
    Uni<Void> retry(RelayEvent updated, long nextAt);

    /** The head failed its last try: a dead letter; the payment's next event is due now. */
    Uni<Void> bury(RelayEvent updated, long now);

    /** Dead letters back in their mailboxes, from their first try: one by id, or all ({@code id} null). */
    Uni<Integer> redeliver(String id, long now);

    /** Up to {@code max} waiting events, each mailbox's in order. */
    Uni<List<Due>> waiting(int max);

    /** Up to {@code max} dead letters. */
    Uni<List<RelayEvent>> dead(int max);

    /** Events waiting, and dead letters. */
    Uni<long[]> sizes();
}
