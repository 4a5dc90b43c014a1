package me.mixpay.gateway.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Redis as platforms run it: a primary, one replica and three sentinels (quorum two) on loopback, each a
 * real {@code redis-server}. The nodes and the sentinels have different passwords, as the common Helm
 * charts give them; a sentinel gives up on a silent primary after one second.
 */
final class SentinelGroup implements AutoCloseable {

    static final String MASTER = "mymaster";
    static final String NODE_PASSWORD = "node-secret-7f3a";
    static final String SENTINEL_PASSWORD = "sentinel-secret-91c2";

    final RedisProcess primary;
    final RedisProcess replica;
    final List<RedisProcess> sentinels;

    private SentinelGroup(RedisProcess primary, RedisProcess replica, List<RedisProcess> sentinels) {
        this.primary = primary;
        this.replica = replica;
        this.sentinels = sentinels;
    }

    static SentinelGroup start() throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            List<String> node = List.of("--requirepass", NODE_PASSWORD, "--masterauth", NODE_PASSWORD, "--repl-diskless-sync-delay", "0");
            RedisProcess primary = RedisProcess.start(node).withCli("-a", NODE_PASSWORD, "--no-auth-warning");
            started.add(primary);
            List<String> replicaArgs = new ArrayList<>(node);
            replicaArgs.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
            RedisProcess replica = RedisProcess.start(replicaArgs).withCli("-a", NODE_PASSWORD, "--no-auth-warning");
            started.add(replica);
            await("the replica linked to the primary", () -> replica.cli("INFO", "replication").contains("master_link_status:up"));
            List<RedisProcess> sentinels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RedisProcess sentinel = RedisProcess.sentinel(List.of(
                        "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 2",
                        "sentinel auth-pass " + MASTER + " " + NODE_PASSWORD,
                        "sentinel down-after-milliseconds " + MASTER + " 1000",
                        "sentinel failover-timeout " + MASTER + " 4000",
                        "requirepass " + SENTINEL_PASSWORD,
                        "sentinel sentinel-pass " + SENTINEL_PASSWORD)).withCli("-a", SENTINEL_PASSWORD, "--no-auth-warning");
                started.add(sentinel);
                sentinels.add(sentinel);
            }
            for (RedisProcess sentinel : sentinels) {
                await("three sentinels that see each other and the replica", () -> sentinel.cli("SENTINEL", "ckquorum", MASTER).startsWith("OK 3")
                        && sentinel.cli("SENTINEL", "replicas", MASTER).contains(Integer.toString(replica.port())));
            }
            return new SentinelGroup(primary, replica, sentinels);
        } catch (Exception | Error failed) {
            for (AutoCloseable process : started) {
                process.close();
            }
            throw failed;
        }
    }

    /** The sentinels' addresses, as {@code GATEWAY_CLUSTER_REDIS_SENTINELS} takes them. */
    String sentinelUrls() {
        return sentinels.stream().map(RedisProcess::url).collect(Collectors.joining(","));
    }

    /** The primary's port, as the first sentinel that answers says. */
    int primaryPort() throws Exception {
        for (RedisProcess sentinel : sentinels) {
            List<String> lines = sentinel.cli("SENTINEL", "get-master-addr-by-name", MASTER).lines().toList();
            if (lines.size() >= 2 && lines.get(1).matches("\\d+")) {
                return Integer.parseInt(lines.get(1));
            }
        }
        return -1;
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 30 s: " + what);
    }

    @Override
    public void close() throws Exception {
        for (RedisProcess sentinel : sentinels) {
            sentinel.close();
        }
        replica.close();
        primary.close();
    }
}
