package me.mixpay.gateway.simulator;

import java.util.Locale;
import java.util.Optional;

/** The ways the simulator can misbehave, as a real upstream does on a bad day. */
public enum SimulatedFault {
    /** Close the TCP connection without a reply, after reading the request. */
    RESET,
    /** A 200 whose body is not JSON. */
    GARBAGE,
    /** Declare a body length, send half, then close. */
    TRUNCATE,
    /** A 200 with an empty body. */
    EMPTY,
    /** Never answer (the gateway's timeout must fire). */
    HANG,
    /**
     * Do the request's work (a creation creates its payment), then close the connection without a reply:
     * the ambiguous failure a payment gateway must reconcile. Spelled {@code reset-after-creation}.
     */
    RESET_AFTER_CREATION;

    public static Optional<SimulatedFault> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }
}
