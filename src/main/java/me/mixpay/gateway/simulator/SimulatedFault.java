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
    HANG;

    public static Optional<SimulatedFault> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }
}
