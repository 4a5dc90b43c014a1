package me.mixpay.gateway.simulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What MixPay saw: every request that reached the simulator outside its controls, in arrival order, so
 * tests can assert on the upstream side ("at most N calls in a window", "one creation per order") rather
 * than trust the gateway's own account. The list keeps the newest {@code journalSize} requests; the counts
 * cover everything since the start or the last reset.
 */
public final class RequestJournal {

    /** One request as it arrived; {@code code} is filled in once it is answered (null if it never was). */
    public static final class Entry {
        final long timeMs;
        final String method;
        final String path;
        final String endpoint;
        final String caller;
        final String orderId;
        final String payeeId;
        volatile Long code;
        volatile String traceId;
        volatile Boolean repeat;

        Entry(long timeMs, String method, String path, String endpoint, String caller, String orderId, String payeeId) {
            this.timeMs = timeMs;
            this.method = method;
            this.path = path;
            this.endpoint = endpoint;
            this.caller = caller;
            this.orderId = orderId;
            this.payeeId = payeeId;
        }

        JsonObject toJson() {
            JsonObject json = new JsonObject().put("timeMs", timeMs).put("method", method).put("path", path)
                    .put("endpoint", endpoint).put("caller", caller).put("code", code);
            if (SimulatedEndpoints.isCreation(endpoint)) {
                json.put("orderId", orderId).put("payeeId", payeeId).put("traceId", traceId).put("repeat", repeat);
            }
            return json;
        }
    }

    private final int size;
    private final ConcurrentLinkedDeque<Entry> entries = new ConcurrentLinkedDeque<>();
    private final AtomicInteger kept = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder creations = new LongAdder();
    private final LongAdder repeatedCreations = new LongAdder();
    /** Keyed by documented endpoint (or {@code other}), so callers' paths cannot grow it. */
    private final Map<String, LongAdder> byEndpoint = new ConcurrentHashMap<>();

    RequestJournal(int size) {
        this.size = Math.max(1, size);
    }

    Entry arrived(long nowMs, String method, String path, String endpoint, String caller, String orderId, String payeeId) {
        Entry entry = new Entry(nowMs, method, path, endpoint, caller, orderId, payeeId);
        entries.addLast(entry);
        if (kept.incrementAndGet() > size && entries.pollFirst() != null) {
            kept.decrementAndGet();
        }
        requests.increment();
        byEndpoint.computeIfAbsent(endpoint, e -> new LongAdder()).increment();
        return entry;
    }

    void answered(Entry entry, long code) {
        entry.code = code;
        if (code == 1429) {
            rateLimited.increment();
        }
    }

    void created(Entry entry, SimulatedPayments.Creation creation) {
        entry.traceId = creation.payment().traceId();
        entry.repeat = creation.repeat();
        creations.increment();
        if (creation.repeat()) {
            repeatedCreations.increment();
        }
    }

    /** The {@code GET /_simulator/requests} document: counts, then the kept requests since {@code sinceMs}. */
    JsonObject toJson(long sinceMs) {
        JsonObject perEndpoint = new JsonObject();
        byEndpoint.forEach((endpoint, count) -> perEndpoint.put(endpoint, count.sum()));
        JsonArray listed = new JsonArray();
        entries.stream().filter(e -> e.timeMs >= sinceMs).forEach(e -> listed.add(e.toJson()));
        return new JsonObject()
                .put("counts", new JsonObject().put("requests", requests.sum()).put("rateLimited", rateLimited.sum())
                        .put("creations", creations.sum()).put("repeatedCreations", repeatedCreations.sum())
                        .put("byEndpoint", perEndpoint))
                .put("kept", size)
                .put("requests", listed);
    }

    void clear() {
        entries.clear();
        kept.set(0);
        requests.reset();
        rateLimited.reset();
        creations.reset();
        repeatedCreations.reset();
        byEndpoint.clear();
    }
}
