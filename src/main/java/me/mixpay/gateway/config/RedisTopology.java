package me.mixpay.gateway.config;

/** How the cluster's Redis is run (docs/budget.md, "Redis topologies"). */
public enum RedisTopology {
    /** One address: a single Redis, or a managed service's endpoint that follows its own failover. */
    STANDALONE,
    /** A primary and replicas watched by sentinels, which the gateway asks for the primary. */
    SENTINEL,
    /** Redis Cluster: keys spread over primaries by hash slot. */
    CLUSTER
}
