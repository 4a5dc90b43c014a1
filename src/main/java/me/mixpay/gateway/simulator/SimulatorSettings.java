package me.mixpay.gateway.simulator;

import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link MixPaySimulator} does, without CDI, so a test or {@link MixPaySimulator#main} can run one
 * as a server of its own in front of several gateways. Field meanings are those of
 * {@link SimulatorConfig}, where each is documented.
 */
public record SimulatorSettings(
        Optional<Integer> code,
        Duration delay,
        Duration creationDelay,
        Optional<SimulatedFault> fault,
        double faultRatio,
        Optional<PayAfter> payAfter,
        PaymentStatus payAfterStatus,
        int maxPayments,
        int rateLimit,
        Duration rateLimitWindow,
        int journalSize,
        double callbackTimeScale,
        java.util.List<String> callbackRewrites) {

    /** The configuration defaults: MixPay's 60 per minute, no faults, payments wait for a control. */
    public static SimulatorSettings defaults() {
        return new SimulatorSettings(Optional.empty(), Duration.ZERO, Duration.ZERO, Optional.empty(), 1.0,
                Optional.empty(), PaymentStatus.SUCCESS, 100_000, 60, Duration.ofSeconds(60), 10_000, 1.0, java.util.List.of());
    }

    /** Read from the configuration; a fault or pay-after that does not parse stops the start. */
    public static SimulatorSettings from(SimulatorConfig config) {
        Optional<SimulatedFault> fault = config.fault().map(name -> SimulatedFault.parse(name)
                .orElseThrow(() -> new IllegalArgumentException("gateway.simulator.fault: unknown fault " + name)));
        return new SimulatorSettings(config.code(), config.delay(), config.creationDelay(), fault, config.faultRatio(),
                config.payAfter().map(PayAfter::parse), PaymentStatus.settled(config.payAfterStatus()),
                config.maxPayments(), config.rateLimit(), config.rateLimitWindow(), config.journalSize(),
                config.callbackTimeScale(), config.callbackRewrite().orElse(java.util.List.of()));
    }

    public SimulatorSettings withRateLimit(int limit, Duration window) {
        return new SimulatorSettings(code, delay, creationDelay, fault, faultRatio, payAfter, payAfterStatus,
                maxPayments, limit, window, journalSize, callbackTimeScale, callbackRewrites);
    }

    /** Callbacks retried on MixPay's schedule times {@code timeScale}, to the URLs {@code rewrites} map (from=to). */
    public SimulatorSettings withCallbacks(double timeScale, java.util.List<String> rewrites) {
        return new SimulatorSettings(code, delay, creationDelay, fault, faultRatio, payAfter, payAfterStatus,
                maxPayments, rateLimit, rateLimitWindow, journalSize, timeScale, rewrites);
    }

    public SimulatorSettings withCreationDelay(Duration added) {
        return new SimulatorSettings(code, delay, added, fault, faultRatio, payAfter, payAfterStatus,
                maxPayments, rateLimit, rateLimitWindow, journalSize, callbackTimeScale, callbackRewrites);
    }

    public SimulatorSettings withPayAfter(PayAfter after, PaymentStatus settlesTo) {
        return new SimulatorSettings(code, delay, creationDelay, fault, faultRatio, Optional.of(after), settlesTo,
                maxPayments, rateLimit, rateLimitWindow, journalSize, callbackTimeScale, callbackRewrites);
    }
}
