package me.mixpay.gateway.status;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.vertx.redis.client.Response;

import me.mixpay.gateway.budget.BudgetMeters;
import me.mixpay.gateway.budget.Priority;
import me.mixpay.gateway.cluster.ClusterLink;
import me.mixpay.gateway.cluster.LuaScript;
import me.mixpay.gateway.cluster.RedisLink;
import me.mixpay.gateway.config.GatewayConfig;

/**
 * The other replicas' MixPay calls by budget class, for the status page's budget chart: on every
 * heartbeat each replica writes its running counts to one Redis hash and reads everyone's back, in one
 * script. The window's count was already the cluster's; with this the bars beside it are too, without
 * touching the budget's own scripts or adding a Redis call to any request.
 */
@Startup
@Singleton
public class ClusterCalls {

    private static final Logger LOG = Logger.getLogger(ClusterCalls.class);

    /**
     * KEYS: the hash. ARGV: replica, ms after which a silent replica's counts are dropped, its counts
     * ({@code critical=3,normal=12,...}). Each field is {@code replica -> at,critical=3,...}, stamped by
     * Redis' clock. Returns the fields still fresh, this replica's included, as a flat list.
     */
    static final LuaScript PUBLISH = LuaScript.of("status-calls", """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local stale = tonumber(ARGV[2])
            redis.call('HSET', KEYS[1], ARGV[1], now .. ',' .. ARGV[3])
            local all = redis.call('HGETALL', KEYS[1])
            local out = {}
            for i = 1, #all, 2 do
              local at = tonumber(string.match(all[i + 1], '^(%d+),'))
              if at and at >= now - stale then
                out[#out + 1] = all[i]
                out[#out + 1] = all[i + 1]
              else
                redis.call('HDEL', KEYS[1], all[i])
              end
            end
            redis.call('PEXPIRE', KEYS[1], stale)
            return out
            """);

    private final MeterRegistry registry;
    private final ClusterLink cluster;
    private final long staleMillis;
    private volatile Map<String, double[]> others = Map.of();
    private volatile long readAtMillis;

    ClusterCalls(MeterRegistry registry, ClusterLink cluster, GatewayConfig config) {
        this.registry = registry;
        this.cluster = cluster;
        // As a replica is taken for gone (ClusterLink): a few missed heartbeats, never under 2 s.
        this.staleMillis = Math.max(3 * config.cluster().heartbeat().toMillis(), 2000);
        cluster.redis().ifPresent(redis -> {
            String key = redis.key("{status}:calls");
            cluster.onTick(() -> publish(redis, key));
        });
    }

    private void publish(RedisLink redis, String key) {
        // By label, not position: a replica of a build with another set of classes still reads what it knows.
        double[] calls = BudgetMeters.callsByClass(registry);
        StringBuilder counts = new StringBuilder();
        for (Priority priority : Priority.values()) {
            counts.append(counts.isEmpty() ? "" : ",").append(priority.label()).append('=').append((long) calls[priority.ordinal()]);
        }
        redis.eval(PUBLISH, List.of(key), List.of(cluster.replica(), Long.toString(staleMillis), counts.toString()))
                .onSuccess(this::read);
    }

    private void read(Response fields) {
        Map<String, double[]> read = new HashMap<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            String replica = fields.get(i).toString();
            if (!replica.equals(cluster.replica())) {
                try {
                    read.put(replica, parse(fields.get(i + 1).toString()));
                } catch (RuntimeException unreadable) {
                    // One replica's odd field costs its bars, never the others'.
                    LOG.debugf("unreadable call counts of replica %s: %s", replica, unreadable.getMessage());
                }
            }
        }
        others = read;
        readAtMillis = System.currentTimeMillis();
    }

    /** {@code at,critical=3,...} to the counts by class; a class this build does not know is skipped, one it lacks counts 0. */
    private static double[] parse(String value) {
        String[] parts = value.split(",");
        double[] counts = new double[Priority.values().length];
        for (int i = 1; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            String label = parts[i].substring(0, equals);
            for (Priority priority : Priority.values()) {
                if (priority.label().equals(label)) {
                    counts[priority.ordinal()] = Double.parseDouble(parts[i].substring(equals + 1));
                }
            }
        }
        return counts;
    }

    /**
     * The other replicas' running counts by class, by replica, as last read; empty while Redis is not
     * shared or the last read is older than a replica's counts live (this replica's view is its own then).
     */
    Optional<Map<String, double[]>> others() {
        if (!cluster.shared() || System.currentTimeMillis() - readAtMillis > staleMillis) {
            return Optional.empty();
        }
        return Optional.of(others);
    }
}
