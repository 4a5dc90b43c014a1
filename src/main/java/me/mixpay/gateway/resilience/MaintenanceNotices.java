package me.mixpay.gateway.resilience;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;
import io.vertx.redis.client.Response;

import me.mixpay.gateway.cluster.ClusterLink;
import me.mixpay.gateway.cluster.LuaScript;
import me.mixpay.gateway.cluster.RedisLink;

/**
 * Shares MixPay's maintenance notices between replicas through Redis: a replica that sees a
 * maintenance code writes the notice with the group's maintenance delay as its expiry; every replica
 * reads the notices on each heartbeat and opens the group until they expire, replaying MixPay's words.
 * Without Redis there is nothing to share, and each replica's own breaker is the whole story.
 */
@Startup
@ApplicationScoped
public class MaintenanceNotices {

    /** KEYS: notice. ARGV: code, message, ms. */
    static final LuaScript WRITE = LuaScript.of("maintenance-write", """
            redis.call('SET', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2], 'PX', tonumber(ARGV[3]))
            return 1
            """);

    /** KEYS: every group's notice. Returns index, value and ms left for each notice in force. */
    static final LuaScript READ = LuaScript.of("maintenance-read", """
            local out = {}
            for i, key in ipairs(KEYS) do
              local value = redis.call('GET', key)
              if value then
                out[#out + 1] = i - 1
                out[#out + 1] = value
                out[#out + 1] = redis.call('PTTL', key)
              end
            end
            return out
            """);

    MaintenanceNotices(ClusterLink cluster, RouteTable routes) {
        cluster.redis().ifPresent(redis -> {
            List<RouteGroup> groups = new ArrayList<>(routes.groups());
            List<String> keys = groups.stream().map(group -> redis.key("{maintenance}:" + group.name())).toList();
            for (int i = 0; i < groups.size(); i++) {
                String key = keys.get(i);
                groups.get(i).onMaintenance(notice -> write(redis, key, notice));
            }
            cluster.onTick(() -> redis.eval(READ, keys, List.of()).onSuccess(notices -> apply(groups, notices)));
        });
    }

    private static void write(RedisLink redis, String key, MaintenanceNotice notice) {
        long millis = Math.max(1, notice.untilMillis() - System.currentTimeMillis());
        redis.eval(WRITE, List.of(key), List.of(Long.toString(notice.code()), notice.message() == null ? "" : notice.message(),
                Long.toString(millis)));
    }

    private static void apply(List<RouteGroup> groups, Response notices) {
        long now = System.currentTimeMillis();
        for (int i = 0; i + 2 < notices.size(); i += 3) {
            RouteGroup group = groups.get(notices.get(i).toInteger());
            String value = notices.get(i + 1).toString();
            int newline = value.indexOf('\n');
            long code = Long.parseLong(value.substring(0, newline));
            long left = notices.get(i + 2).toLong();
            if (left > 0) {
                group.openedElsewhere(new MaintenanceNotice(code, value.substring(newline + 1), now + left));
            }
        }
    }
}
