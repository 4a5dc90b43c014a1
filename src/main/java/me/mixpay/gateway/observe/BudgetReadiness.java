package me.mixpay.gateway.observe;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import me.mixpay.gateway.budget.RequestBudget;
import me.mixpay.gateway.cluster.ClusterLink;

/**
 * The budget's store, reported and never acted on: with Redis away a replica still serves, on its local
 * share of the budget, so taking it out of the Service would only turn slower answers into connection
 * errors. {@code store} says {@code embedded}, {@code redis} or {@code local-share}.
 */
@Readiness
@ApplicationScoped
public class BudgetReadiness implements HealthCheck {

    private final RequestBudget budget;
    private final ClusterLink cluster;

    BudgetReadiness(RequestBudget budget, ClusterLink cluster) {
        this.budget = budget;
        this.cluster = cluster;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("mixpay-budget").up();
        // Which Redis node this replica writes to: after a failover, the promoted replica's address.
        cluster.redis().ifPresent(redis -> response.withData("redisTopology", redis.topology().name().toLowerCase(Locale.ROOT))
                .withData("redisPrimary", redis.primary()));
        return response
                .withData("store", budget.mode())
                .withData("replicas", budget.replicas())
                .withData("limit", budget.limit())
                .withData("used", budget.used())
                .withData("pausedMs", budget.pausedForMillis())
                .build();
    }
}
