package me.mixpay.gateway.simulator;

import java.util.Locale;

/**
 * The states a simulated payment goes through. MixPay documents {@code pending} and {@code auditing} too;
 * the simulator has no chain confirmations or audits to wait for, so a payment goes from unpaid to a final
 * state in one step.
 */
public enum PaymentStatus {
    UNPAID, SUCCESS, FAILED;

    /** The word MixPay's {@code data.status} uses. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A final state by its wire word; {@code unpaid} is where every payment starts, never where it goes. */
    public static PaymentStatus settled(String wire) {
        PaymentStatus status = valueOf(wire.trim().toUpperCase(Locale.ROOT));
        if (status == UNPAID) {
            throw new IllegalArgumentException("a payment settles to success or failed, not unpaid");
        }
        return status;
    }
}
