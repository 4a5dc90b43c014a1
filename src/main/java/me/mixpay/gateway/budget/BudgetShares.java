package me.mixpay.gateway.budget;

/**
 * How much of a window each class may fill. A class may take a call while fewer than its threshold
 * are in the window: {@code critical} up to the limit, {@code normal} up to the limit less the
 * critical reserve, {@code low} up to the limit less both reserves. Low calls can therefore never
 * take the calls kept for creations, however many of them wait. The Redis script applies the same
 * arithmetic ({@code RedisBudgetLog}); {@code BudgetTest} (embedded) and {@code ClusterBudgetIT} (Redis) hold both to it.
 */
public record BudgetShares(double criticalReserve, double normalReserve) {

    public BudgetShares {
        if (criticalReserve < 0 || normalReserve < 0 || criticalReserve + normalReserve >= 1) {
            throw new IllegalArgumentException("budget reserves must be >= 0 and leave low calls a share: "
                    + criticalReserve + " + " + normalReserve);
        }
    }

    /** Calls a window may hold before this class must wait; every class keeps at least one while the limit allows any. */
    public int threshold(Priority priority, int limit) {
        if (limit <= 0) {
            return 0;
        }
        return switch (priority) {
            case CRITICAL -> limit;
            case NORMAL -> Math.max(1, limit - reserved(limit, criticalReserve));
            case LOW -> Math.max(1, limit - reserved(limit, criticalReserve + normalReserve));
        };
    }

    private static int reserved(int limit, double share) {
        // The small epsilon keeps 60 x 0.25 at 15 rather than 16 when the double is a hair above.
        return (int) Math.ceil(limit * share - 1e-9);
    }
}
