package me.mixpay.gateway.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of three primaries on loopback ({@code redis-server --cluster-enabled yes}, joined
 * by {@code redis-cli --cluster create}), each slot range on its own process.
 */
final class RedisClusterNodes implements AutoCloseable {

    final List<RedisProcess> nodes;

    private RedisClusterNodes(List<RedisProcess> nodes) {
        this.nodes = nodes;
    }

    static RedisClusterNodes start() throws Exception {
        List<RedisProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisProcess.start(List.of("--cluster-enabled", "yes", "--cluster-node-timeout", "2000")));
            }
            List<String> create = new ArrayList<>(List.of("--cluster", "create"));
            nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
            create.add("--cluster-yes");
            String created = nodes.get(0).cli(create.toArray(String[]::new));
            if (!created.contains("All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + created);
            }
            for (RedisProcess node : nodes) {
                SentinelGroup.await("cluster_state:ok on every node", () -> node.cli("CLUSTER", "INFO").contains("cluster_state:ok"));
            }
            return new RedisClusterNodes(nodes);
        } catch (Exception | Error failed) {
            for (RedisProcess node : nodes) {
                node.close();
            }
            throw failed;
        }
    }

    /** Seed nodes, as {@code GATEWAY_CLUSTER_REDIS_URL} takes them with {@code redis-type=cluster}. */
    String seeds() {
        return nodes.stream().map(RedisProcess::url).collect(Collectors.joining(","));
    }

    /** How many keys each node holds: a test sees that state is spread, not piled on one node. */
    List<Long> keysPerNode() throws Exception {
        List<Long> counts = new ArrayList<>();
        for (RedisProcess node : nodes) {
            counts.add(Long.parseLong(node.cli("DBSIZE").trim()));
        }
        return counts;
    }

    @Override
    public void close() throws Exception {
        for (RedisProcess node : nodes) {
            node.close();
        }
    }
}
