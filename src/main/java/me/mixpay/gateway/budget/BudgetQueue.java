package me.mixpay.gateway.budget;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Calls waiting for budget on this replica, served by class (critical first), then fairly across
 * merchants within a class: merchants take turns, one call each, so while others wait no merchant
 * takes more than its share however many calls it queued.
 */
final class BudgetQueue {

    private final int capacity;
    private final EnumMap<Priority, LinkedHashMap<String, ArrayDeque<Waiter>>> byClass = new EnumMap<>(Priority.class);
    private int size;

    BudgetQueue(int capacity) {
        this.capacity = capacity;
        for (Priority priority : Priority.values()) {
            byClass.put(priority, new LinkedHashMap<>());
        }
    }

    /** False when the queue is full. */
    synchronized boolean offer(Waiter waiter) {
        if (size >= capacity) {
            return false;
        }
        byClass.get(waiter.priority).computeIfAbsent(waiter.merchant, m -> new ArrayDeque<>()).addLast(waiter);
        size++;
        return true;
    }

    /** The call to serve next: the highest class's merchant whose turn it is. */
    synchronized Waiter peek() {
        for (LinkedHashMap<String, ArrayDeque<Waiter>> merchants : byClass.values()) {
            if (!merchants.isEmpty()) {
                return merchants.values().iterator().next().peekFirst();
            }
        }
        return null;
    }

    /**
     * Removes a call that was served or gave up; a served merchant goes to the back of its class's
     * turn. False if it was no longer waiting.
     */
    synchronized boolean remove(Waiter waiter) {
        LinkedHashMap<String, ArrayDeque<Waiter>> merchants = byClass.get(waiter.priority);
        ArrayDeque<Waiter> calls = merchants.get(waiter.merchant);
        if (calls == null || !calls.remove(waiter)) {
            return false;
        }
        size--;
        merchants.remove(waiter.merchant);
        if (!calls.isEmpty()) {
            merchants.put(waiter.merchant, calls);
        }
        return true;
    }

    /** Removes and returns the calls of these classes that match. */
    synchronized List<Waiter> removeIf(Iterable<Priority> classes, Predicate<Waiter> which) {
        List<Waiter> removed = new ArrayList<>();
        for (Priority priority : classes) {
            Iterator<Map.Entry<String, ArrayDeque<Waiter>>> merchants = byClass.get(priority).entrySet().iterator();
            while (merchants.hasNext()) {
                ArrayDeque<Waiter> calls = merchants.next().getValue();
                calls.removeIf(waiter -> which.test(waiter) && removed.add(waiter));
                if (calls.isEmpty()) {
                    merchants.remove();
                }
            }
        }
        size -= removed.size();
        return removed;
    }

    synchronized int size() {
        return size;
    }

    /** Calls waiting of this class or a higher one: those served before it. */
    synchronized int sizeAtOrAbove(Priority priority) {
        return EnumSet.range(Priority.CRITICAL, priority).stream().mapToInt(this::size).sum();
    }

    synchronized int size(Priority priority) {
        return byClass.get(priority).values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
