package me.mixpay.gateway.budget;

import java.util.Locale;

/** A route group's class in the MixPay request budget, highest first: waiting calls are served in this order. */
public enum Priority {
    /** Payment creation and refresh: may use the whole window, and wait behind nothing. */
    CRITICAL,
    /** Payment results and info: all but the critical reserve. */
    NORMAL,
    /** Settings, estimates, other look-ups: only what the others leave. */
    LOW;

    /** The metric label and the spelling in configuration. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
