package me.mixpay.gateway.observe;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import me.mixpay.gateway.budget.RequestBudget;

/**
 * The budget's store, reported and never acted on: with Redis away a replica still serves, on its local
 * share of the budget, so taking it out of the Service would only turn slower answers into connection
 * errors. {@code store} says {@code embedded}, {@code redis} or {@code local-share}.
 */
@Readiness
@ApplicationScoped
public class BudgetReadiness implements HealthCheck {

    private final RequestBudget budget;

    BudgetReadiness(RequestBudget budget) {
        this.budget = budget;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("mixpay-budget").up()
                .withData("store", budget.mode())
                .withData("replicas", budget.replicas())
                .withData("limit", budget.limit())
                .withData("used", budget.used())
                .withData("pausedMs", budget.pausedForMillis())
                .build();
    }
}
