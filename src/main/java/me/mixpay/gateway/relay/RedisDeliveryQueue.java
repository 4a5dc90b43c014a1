package me.mixpay.gateway.relay;

import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import me.mixpay.gateway.cluster.LuaScript;
import me.mixpay.gateway.cluster.RedisLink;

/**
 * The delivery queue in the cluster's Redis, so an event outlives the replica that accepted it: a sorted
 * set of mailboxes by the time each is due (a taken one by the end of its lease), a list per mailbox, a
 * hash of dead letters, and a key per event id remembered for the record's lifetime. Every key carries the
 * hash tag {@code {callbacks}}, so each step is one atomic script on one Redis Cluster slot.
 */
final class RedisDeliveryQueue implements DeliveryQueue {

    /** KEYS: seen, box, due. ARGV: event, ref, now, remember ms. 1 when added. */
    static final LuaScript ADD = LuaScript.of("relay-add", """
            if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', tonumber(ARGV[4])) then return 0 end
            redis.call('RPUSH', KEYS[2], ARGV[1])
            redis.call('ZADD', KEYS[3], 'NX', tonumber(ARGV[3]), ARGV[2])
            return 1
            """);

    /** KEYS: due. ARGV: now, lease until, max, box key prefix. The heads of the due mailboxes, each leased. */
    static final LuaScript TAKE = LuaScript.of("relay-take", """
            local refs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
            local heads = {}
            for _, ref in ipairs(refs) do
              local head = redis.call('LINDEX', ARGV[4] .. ref, 0)
              if head then
                redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ref)
                table.insert(heads, head)
              else
                redis.call('ZREM', KEYS[1], ref)
              end
            end
            return heads
            """);

    /**
     * KEYS: due, box, dead. ARGV: ref, event id, now, updated event or '' (delivered), next due or '' (buried).
     * Removes the head (delivered, buried) or replaces it (retried), and schedules the mailbox. A try that
     * outlived its lease may end after another try of the event settled it: then nothing changes (0), so a
     * delivered event is never buried, nor the next event's schedule moved.
     */
    static final LuaScript SETTLE = LuaScript.of("relay-settle", """
            local head = redis.call('LINDEX', KEYS[2], 0)
            if not head or cjson.decode(head).id ~= ARGV[2] then return 0 end
            if ARGV[5] ~= '' then
              redis.call('LSET', KEYS[2], 0, ARGV[4])
              redis.call('ZADD', KEYS[1], tonumber(ARGV[5]), ARGV[1])
              return 1
            end
            redis.call('LPOP', KEYS[2])
            if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[2], ARGV[4]) end
            if redis.call('LLEN', KEYS[2]) > 0 then
              redis.call('ZADD', KEYS[1], tonumber(ARGV[3]), ARGV[1])
            else
              redis.call('ZREM', KEYS[1], ARGV[1])
            end
            return 1
            """);

    /** KEYS: dead, box, due. ARGV: id, the event from its first try, ref, now. 1 when it was a dead letter. */
    static final LuaScript REDELIVER = LuaScript.of("relay-redeliver", """
            if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
            redis.call('RPUSH', KEYS[2], ARGV[2])
            redis.call('ZADD', KEYS[3], 'NX', tonumber(ARGV[4]), ARGV[3])
            return 1
            """);

    /** KEYS: due, dead. ARGV: max, box key prefix. Waiting events as [event, due] pairs, then the dead count. */
    static final LuaScript LIST = LuaScript.of("relay-list", """
            local out = {}
            local refs = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
            for i = 1, #refs, 2 do
              for _, event in ipairs(redis.call('LRANGE', ARGV[2] .. refs[i], 0, tonumber(ARGV[1]) - 1)) do
                table.insert(out, event)
                table.insert(out, refs[i + 1])
              end
            end
            return out
            """);

    /** KEYS: due, dead. ARGV: box key prefix. Events waiting (over every mailbox), dead letters. */
    static final LuaScript SIZES = LuaScript.of("relay-sizes", """
            local waiting = 0
            for _, ref in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              waiting = waiting + redis.call('LLEN', ARGV[1] .. ref)
            end
            return {waiting, redis.call('HLEN', KEYS[2])}
            """);

    /** KEYS: dead. ARGV: max. */
    static final LuaScript DEAD = LuaScript.of("relay-dead", """
            local out = {}
            for i, event in ipairs(redis.call('HVALS', KEYS[1])) do
              if i > tonumber(ARGV[1]) then break end
              table.insert(out, event)
            end
            return out
            """);

    private final RedisLink redis;
    private final String due;
    private final String dead;
    private final String boxPrefix;
    private final String seenPrefix;

    RedisDeliveryQueue(RedisLink redis) {
        this.redis = redis;
        this.due = redis.key("relay:{callbacks}:due");
        this.dead = redis.key("relay:{callbacks}:dead");
        this.boxPrefix = redis.key("relay:{callbacks}:box:");
        this.seenPrefix = redis.key("relay:{callbacks}:seen:");
    }

    @Override
    public Uni<Boolean> add(RelayEvent event, long now, long rememberMillis) {
        return uni(redis.evalDurably(ADD, List.of(seenPrefix + event.id(), boxPrefix + event.ref(), due),
                List.of(event.encode(), event.ref(), Long.toString(now), Long.toString(Math.max(1, rememberMillis)))))
                .map(reply -> reply != null && reply.toInteger() == 1);
    }

    @Override
    public Uni<List<RelayEvent>> take(long now, long leaseUntil, int max) {
        return uni(redis.eval(TAKE, List.of(due), List.of(Long.toString(now), Long.toString(leaseUntil), Integer.toString(max), boxPrefix)))
                .map(RedisDeliveryQueue::events);
    }

    @Override
    public Uni<Void> delivered(RelayEvent event, long now) {
        return settle(event, now, "", "");
    }

    @Override
    public Uni<Void> retry(RelayEvent updated, long nextAt) {
        return settle(updated, nextAt, updated.encode(), Long.toString(nextAt));
    }

    @Override
    public Uni<Void> bury(RelayEvent updated, long now) {
        return settle(updated, now, updated.encode(), "");
    }

    private Uni<Void> settle(RelayEvent event, long now, String updated, String nextAt) {
        return uni(redis.eval(SETTLE, List.of(due, boxPrefix + event.ref(), dead),
                List.of(event.ref(), event.id(), Long.toString(now), updated, nextAt))).replaceWithVoid();
    }

    @Override
    public Uni<Integer> redeliver(String id, long now) {
        Uni<List<RelayEvent>> chosen = dead(id == null ? Integer.MAX_VALUE : 100_000)
                .map(all -> all.stream().filter(event -> id == null || event.id().equals(id)).toList());
        return chosen.chain(events -> {
            Uni<Integer> count = Uni.createFrom().item(0);
            for (RelayEvent event : events) {
                count = count.chain(sofar -> uni(redis.eval(REDELIVER, List.of(dead, boxPrefix + event.ref(), due),
                        List.of(event.id(), event.fresh().encode(), event.ref(), Long.toString(now))))
                        .map(reply -> sofar + (reply != null && reply.toInteger() == 1 ? 1 : 0)));
            }
            return count;
        });
    }

    @Override
    public Uni<List<Due>> waiting(int max) {
        return uni(redis.eval(LIST, List.of(due, dead), List.of(Integer.toString(max), boxPrefix))).map(reply -> {
            List<Due> all = new ArrayList<>();
            for (int i = 0; reply != null && i + 1 < reply.size() && all.size() < max; i += 2) {
                RelayEvent event = RelayEvent.decode(reply.get(i).toString());
                if (event != null) {
                    all.add(new Due(event, (long) Double.parseDouble(reply.get(i + 1).toString())));
                }
            }
            return all;
        });
    }

    @Override
    public Uni<List<RelayEvent>> dead(int max) {
        return uni(redis.eval(DEAD, List.of(dead), List.of(Integer.toString(max)))).map(RedisDeliveryQueue::events);
    }

    @Override
    public Uni<long[]> sizes() {
        return uni(redis.eval(SIZES, List.of(due, dead), List.of(boxPrefix)))
                .map(reply -> new long[] { reply.get(0).toLong(), reply.get(1).toLong() });
    }

    /** The events of a script's array reply; an entry that is not one (another version's) is skipped. */
    private static List<RelayEvent> events(Response reply) {
        List<RelayEvent> events = new ArrayList<>();
        if (reply != null) {
            reply.forEach(entry -> {
                RelayEvent event = RelayEvent.decode(entry.toString());
                if (event != null) {
                    events.add(event);
                }
            });
        }
        return events;
    }

    private static Uni<Response> uni(Future<Response> reply) {
        return Uni.createFrom().completionStage(reply.toCompletionStage());
    }
}
