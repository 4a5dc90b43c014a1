package me.mixpay.gateway.budget;

/**
 * How much of each window a class may fill. The top {@code criticalReserve} of the limit is for
 * {@code critical} calls (creations) alone: the classes below never fill the window past
 * {@code limit - critical reserve}, so a creation finds room at once however many look-ups and polls
 * came first. {@code normalReserve} is held for {@code normal} calls (payment results) while they do
 * not use it: {@code low} calls stop short of the top by the part of it polls have not used in the
 * window, and take the rest, so look-ups spend what polls leave instead of stopping at a fixed fill
 * while calls that nobody wants lapse unused.
 * <p>
 * The Redis script applies the same arithmetic ({@code RedisBudgetLog}); {@code BudgetTest} (embedded)
 * and {@code ClusterBudgetIT} (Redis) hold both to it.
 */
public record BudgetShares(double criticalReserve, double normalReserve) {

    public BudgetShares {
        if (criticalReserve < 0 || normalReserve < 0 || criticalReserve + normalReserve >= 1) {
            throw new IllegalArgumentException("budget reserves must be >= 0 and leave low calls a share: "
                    + criticalReserve + " + " + normalReserve);
        }
    }

    /**
     * Calls a window may hold before this class must wait, given the normal calls already in it; every
     * class keeps at least one while the limit allows any.
     */
    public int ceiling(Priority priority, int limit, int normalUsed) {
        if (limit <= 0) {
            return 0;
        }
        int critical = reserved(limit, criticalReserve);
        // The normal reserve is what both together round to, less the critical one, so that the two
        // never hold more than their summed share.
        int normal = reserved(limit, criticalReserve + normalReserve) - critical;
        return switch (priority) {
            case CRITICAL -> limit;
            case VERIFICATION, NORMAL -> Math.max(1, limit - critical);
            case LOW -> Math.max(1, limit - critical - Math.max(0, normal - normalUsed));
        };
    }

    private static int reserved(int limit, double share) {
        // The small epsilon keeps 60 x 0.25 at 15 rather than 16 when the double is a hair above.
        return (int) Math.ceil(limit * share - 1e-9);
    }
}
