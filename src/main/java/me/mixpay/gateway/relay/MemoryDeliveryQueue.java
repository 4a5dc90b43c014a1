package me.mixpay.gateway.relay;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;

/**
 * The delivery queue in this replica's memory: one replica without Redis, or any replica while Redis is
 * away. Its events live as long as the process; with several replicas, Redis keeps them past a crash.
 */
final class MemoryDeliveryQueue implements DeliveryQueue {

    private final Map<String, Deque<RelayEvent>> boxes = new HashMap<>();
    private final Map<String, Long> due = new HashMap<>();
    private final Map<String, RelayEvent> dead = new LinkedHashMap<>();
    private final Cache<String, Boolean> seen;

    MemoryDeliveryQueue(Duration remember, int maxRemembered) {
        this.seen = Caffeine.newBuilder().expireAfterWrite(remember).maximumSize(maxRemembered).build();
    }

    @Override
    public synchronized Uni<Boolean> add(RelayEvent event, long now, long rememberMillis) {
        if (seen.asMap().putIfAbsent(event.id(), Boolean.TRUE) != null) {
            return Uni.createFrom().item(false);
        }
        boxes.computeIfAbsent(event.ref(), r -> new ArrayDeque<>()).addLast(event);
        due.putIfAbsent(event.ref(), now);
        return Uni.createFrom().item(true);
    }

    @Override
    public synchronized Uni<List<RelayEvent>> take(long now, long leaseUntil, int max) {
        List<RelayEvent> taken = new ArrayList<>();
        for (Map.Entry<String, Long> box : new ArrayList<>(due.entrySet())) {
            if (taken.size() >= max) {
                break;
            }
            if (box.getValue() <= now) {
                RelayEvent head = head(box.getKey());
                if (head == null) {
                    due.remove(box.getKey());
                } else {
                    due.put(box.getKey(), leaseUntil);
                    taken.add(head);
                }
            }
        }
        return Uni.createFrom().item(taken);
    }

    @Override
    public synchronized Uni<Void> delivered(RelayEvent event, long now) {
        if (isHead(event)) {
            boxes.get(event.ref()).pollFirst();
            next(event.ref(), now);
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Void> retry(RelayEvent updated, long nextAt) {
        if (isHead(updated)) {
            Deque<RelayEvent> box = boxes.get(updated.ref());
            box.pollFirst();
            box.addFirst(updated);
            due.put(updated.ref(), nextAt);
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Void> bury(RelayEvent updated, long now) {
        if (isHead(updated)) {
            boxes.get(updated.ref()).pollFirst();
            dead.put(updated.id(), updated);
            next(updated.ref(), now);
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Integer> redeliver(String id, long now) {
        List<RelayEvent> again = id == null ? new ArrayList<>(dead.values())
                : dead.containsKey(id) ? List.of(dead.get(id)) : List.of();
        for (RelayEvent event : again) {
            dead.remove(event.id());
            boxes.computeIfAbsent(event.ref(), r -> new ArrayDeque<>()).addLast(event.fresh());
            due.putIfAbsent(event.ref(), now);
        }
        return Uni.createFrom().item(again.size());
    }

    @Override
    public synchronized Uni<List<Due>> waiting(int max) {
        List<Due> all = new ArrayList<>();
        for (Map.Entry<String, Long> box : due.entrySet()) {
            for (RelayEvent event : boxes.getOrDefault(box.getKey(), new ArrayDeque<>())) {
                if (all.size() < max) {
                    all.add(new Due(event, box.getValue()));
                }
            }
        }
        return Uni.createFrom().item(all);
    }

    @Override
    public synchronized Uni<List<RelayEvent>> dead(int max) {
        return Uni.createFrom().item(dead.values().stream().limit(max).toList());
    }

    @Override
    public synchronized Uni<long[]> sizes() {
        long waiting = boxes.values().stream().mapToLong(Deque::size).sum();
        return Uni.createFrom().item(new long[] { waiting, dead.size() });
    }

    private RelayEvent head(String ref) {
        Deque<RelayEvent> box = boxes.get(ref);
        return box == null ? null : box.peekFirst();
    }

    /**
     * Whether the event still heads its mailbox. A try that outlived its lease may end after another try of
     * the same event settled it: its outcome then changes nothing (no dead letter of a delivered event).
     */
    private boolean isHead(RelayEvent event) {
        RelayEvent head = head(event.ref());
        return head != null && head.id().equals(event.id());
    }

    private void next(String ref, long now) {
        Deque<RelayEvent> box = boxes.get(ref);
        if (box == null || box.isEmpty()) {
            boxes.remove(ref);
            due.remove(ref);
        } else {
            due.put(ref, now);
        }
    }
}
