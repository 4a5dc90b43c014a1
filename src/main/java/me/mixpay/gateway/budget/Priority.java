package me.mixpay.gateway.budget;

import java.util.Locale;

/** A class of MixPay calls in the request budget, highest first: waiting calls are served in this order. */
public enum Priority {
    /** Payment creation and refresh: may use the whole window, and wait behind nothing. */
    CRITICAL(0),
    /**
     * The gateway's one check of a MixPay callback: served right after creations and before every poll and
     * look-up, since the merchant's next poll waits for it; it spends normal's share, never the creations'
     * reserve.
     */
    VERIFICATION(1),
    /** Payment results and info: all but the critical reserve. */
    NORMAL(1),
    /** Settings, estimates, other look-ups: only what the others leave. */
    LOW(2);

    private final int share;

    Priority(int share) {
        this.share = share;
    }

    /** The metric label and the spelling in configuration. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whose share of the window this class spends, as the budget log counts it: 0 critical, 1 normal, 2 low
     * (the class numbers of the Redis script, unchanged so that replicas of two builds count alike).
     */
    int share() {
        return share;
    }

    /** The highest class spending the same share: classes of one share are paced as one. */
    Priority firstOfShare() {
        for (Priority priority : values()) {
            if (priority.share == share) {
                return priority;
            }
        }
        return this;
    }

    /** Whether this class's calls count as normal's when the low class's room is reckoned. */
    boolean spendsNormalShare() {
        return share == 1;
    }
}
