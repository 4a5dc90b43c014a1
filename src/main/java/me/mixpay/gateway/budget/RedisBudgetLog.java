package me.mixpay.gateway.budget;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Future;
import io.vertx.redis.client.Response;

import me.mixpay.gateway.cluster.LuaScript;
import me.mixpay.gateway.cluster.RedisLink;

/**
 * The budget's log in Redis, shared by every replica: a sorted set of the window's calls scored by
 * Redis' own clock ({@code TIME}), so replicas with skewed clocks still count one window. Each step is
 * one script, so two replicas can never both take the last call.
 */
final class RedisBudgetLog implements BudgetLog {

    /**
     * Lua shared by the scripts that add to a log: it lives until its newest stamp has left the window,
     * and an addition never shortens that (a batch stamped ahead must outlive a later single call).
     * Written without {@code PEXPIRE GT}, so Redis older than 7 serves too.
     */
    private static final String EXPIRE_AFTER_NEWEST = """
            local function expire_after_newest(key, window, now)
              local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
              if last[2] then redis.call('PEXPIRE', key, math.max(1, tonumber(last[2]) + window - now)) end
            end
            """;

    /**
     * KEYS: log, limit, pause, normal log. ARGV: window ms, configured limit, critical reserve, normal
     * reserve, class index, member, calls wanted, lease ms. Takes up to the calls wanted (at least one
     * while the class has room, never past its ceiling: {@link BudgetShares#ceiling}), each stamped at
     * the end of its lease: a leased call may go until then, so it must count from then. The log holds
     * every call; a normal call is also in the normal log, which the normal reserve is held against (a
     * replica of an older build adds to the log alone: its polls then hold that reserve longer, never
     * less). What leaves the window is decided by Redis' time now, not by the stamp: a batch stamped
     * ahead never drops calls another replica's single call still counts.
     */
    static final LuaScript TAKE = LuaScript.of("take", EXPIRE_AFTER_NEWEST + """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local stamp = now + tonumber(ARGV[8])
            local window = tonumber(ARGV[1])
            local limit = tonumber(ARGV[2])
            local seen = tonumber(redis.call('GET', KEYS[2]))
            if seen and seen < limit then limit = seen end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - window)
            local used = redis.call('ZCARD', KEYS[1])
            local pause = tonumber(redis.call('GET', KEYS[3]))
            if pause and pause > now then return {0, pause - now, used, limit} end
            if limit <= 0 then return {0, window, used, limit} end
            local function reserved(share) return math.ceil(limit * share - 1e-9) end
            local class = tonumber(ARGV[5])
            local critical = reserved(tonumber(ARGV[3]))
            local ceiling = limit
            if class == 1 then ceiling = math.max(1, limit - critical)
            elseif class == 2 then
              local normal = reserved(tonumber(ARGV[3]) + tonumber(ARGV[4])) - critical
              ceiling = math.max(1, limit - critical - math.max(0, normal - redis.call('ZCARD', KEYS[4])))
            end
            if used < ceiling then
              local n = math.min(tonumber(ARGV[7]), ceiling - used)
              for i = 1, n do
                local member = ARGV[6]
                if i > 1 then member = member .. ':' .. i end
                redis.call('ZADD', KEYS[1], stamp, member)
                if class == 1 then redis.call('ZADD', KEYS[4], stamp, member) end
              end
              expire_after_newest(KEYS[1], window, now)
              if class == 1 then expire_after_newest(KEYS[4], window, now) end
              return {n, 0, used + n, limit}
            end
            local blocking = redis.call('ZRANGE', KEYS[1], used - ceiling, used - ceiling, 'WITHSCORES')
            local wait = tonumber(blocking[2]) + window - now
            if wait < 1 then wait = 1 end
            return {0, wait, used, limit}
            """);

    /** KEYS: log, limit. ARGV: window ms, configured limit, MixPay's limit, MixPay's remaining, member prefix. */
    static final LuaScript OBSERVE = LuaScript.of("observe", EXPIRE_AFTER_NEWEST + """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[1])
            local limit = tonumber(ARGV[2])
            local mixpayLimit = tonumber(ARGV[3])
            local remaining = tonumber(ARGV[4])
            if mixpayLimit > 0 and mixpayLimit < limit then
              redis.call('SET', KEYS[2], mixpayLimit, 'PX', 10 * window)
            elseif mixpayLimit >= limit then
              redis.call('DEL', KEYS[2])
            end
            local seen = tonumber(redis.call('GET', KEYS[2]))
            if seen and seen < limit then limit = seen end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            if remaining >= 0 then
              local missing = limit - redis.call('ZCARD', KEYS[1]) - remaining
              for i = 1, missing do redis.call('ZADD', KEYS[1], now, ARGV[5] .. i) end
              expire_after_newest(KEYS[1], window, now)
            end
            return 1
            """);

    /**
     * KEYS: log, limit. ARGV: window ms, configured limit. The window's count and the limit in force, by
     * Redis' clock, changing nothing: what a replica that sends no call still shows of the cluster's window.
     */
    static final LuaScript PEEK = LuaScript.of("peek", """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local limit = tonumber(ARGV[2])
            local seen = tonumber(redis.call('GET', KEYS[2]))
            if seen and seen < limit then limit = seen end
            return {redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf'), limit}
            """);

    /** KEYS: pause. ARGV: ms. */
    static final LuaScript PAUSE = LuaScript.of("pause", """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local untilMs = now + tonumber(ARGV[1])
            local current = tonumber(redis.call('GET', KEYS[1]))
            if current and current > untilMs then untilMs = current end
            redis.call('SET', KEYS[1], untilMs, 'PX', untilMs - now)
            return untilMs - now
            """);

    /**
     * KEYS: log, normal log. ARGV: window ms, then member, age and class index triples. Adds calls
     * this replica sent that the logs lack (Redis was away, or restarted empty), each at its age by
     * Redis' clock; NX keeps a call that is already there as it was.
     */
    static final LuaScript MERGE = LuaScript.of("merge", EXPIRE_AFTER_NEWEST + """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[1])
            local added = 0
            for i = 2, #ARGV, 3 do
              local at = now - tonumber(ARGV[i + 1])
              if at > now - window then
                added = added + redis.call('ZADD', KEYS[1], 'NX', at, ARGV[i])
                if tonumber(ARGV[i + 2]) == 1 then redis.call('ZADD', KEYS[2], 'NX', at, ARGV[i]) end
              end
            end
            if #ARGV > 1 then
              expire_after_newest(KEYS[1], window, now)
              expire_after_newest(KEYS[2], window, now)
            end
            return added
            """);

    private final RedisLink redis;
    private final long windowMillis;
    private final BudgetShares shares;
    private final List<String> takeKeys;
    private final List<String> observeKeys;
    private final List<String> mergeKeys;
    private final String replica;
    private long observations;

    RedisBudgetLog(RedisLink redis, long windowMillis, BudgetShares shares, String replica) {
        this.redis = redis;
        this.windowMillis = windowMillis;
        this.shares = shares;
        this.replica = replica;
        this.takeKeys = List.of(redis.key("{budget}:log"), redis.key("{budget}:limit"), redis.key("{budget}:pause"),
                redis.key("{budget}:log:normal"));
        this.mergeKeys = List.of(takeKeys.get(0), takeKeys.get(3));
        this.observeKeys = takeKeys.subList(0, 2);
    }

    @Override
    public Future<Take> take(Priority priority, String member, int configuredLimit) {
        return lease(priority, member, configuredLimit, 1, 0).map(Lease::take);
    }

    /**
     * Takes up to {@code wanted} calls for {@code leaseMillis}: the first is {@code member}, the others
     * {@code member:2}, {@code member:3}...; they may be sent until the lease ends, and count from then.
     */
    Future<Lease> lease(Priority priority, String member, int configuredLimit, int wanted, long leaseMillis) {
        return redis.eval(TAKE, takeKeys, List.of(Long.toString(windowMillis), Integer.toString(configuredLimit),
                Double.toString(shares.criticalReserve()), Double.toString(shares.normalReserve()),
                Integer.toString(priority.share()), member, Integer.toString(wanted), Long.toString(leaseMillis)))
                .map(reply -> {
                    int calls = reply.get(0).toInteger();
                    return new Lease(new Take(calls > 0, reply.get(1).toLong(), reply.get(2).toInteger(), reply.get(3).toInteger()), calls);
                });
    }

    /** What a lease got: the answer for the first call, and how many calls in all (0 when none). */
    record Lease(Take take, int calls) {
    }

    @Override
    public Future<Void> observe(int mixpayLimit, int mixpayRemaining, int configuredLimit) {
        String prefix;
        synchronized (this) {
            prefix = replica + ":mixpay-said-" + (observations++) + ":";
        }
        return redis.eval(OBSERVE, observeKeys, List.of(Long.toString(windowMillis), Integer.toString(configuredLimit),
                Integer.toString(mixpayLimit), Integer.toString(mixpayRemaining), prefix)).mapEmpty();
    }

    /** The window's count and the limit in force, as {@link #PEEK} reads them. */
    Future<Take> peek(int configuredLimit) {
        return redis.eval(PEEK, observeKeys, List.of(Long.toString(windowMillis), Integer.toString(configuredLimit)))
                .map(reply -> new Take(false, 0, reply.get(0).toInteger(), reply.get(1).toInteger()));
    }

    @Override
    public Future<Void> pause(long millis) {
        return redis.eval(PAUSE, List.of(takeKeys.get(2)), List.of(Long.toString(millis))).mapEmpty();
    }

    /** Writes this replica's own calls of the window back into the shared log; returns how many were missing. */
    Future<Integer> merge(List<LocalBudgetLog.Entry> own, long nowMillis) {
        List<String> args = new ArrayList<>(1 + 3 * own.size());
        args.add(Long.toString(windowMillis));
        for (LocalBudgetLog.Entry entry : own) {
            args.add(entry.member());
            args.add(Long.toString(Math.max(0, nowMillis - entry.atMillis())));
            args.add(Integer.toString(entry.priority().share()));
        }
        return redis.eval(MERGE, mergeKeys, args).map(Response::toInteger);
    }
}
