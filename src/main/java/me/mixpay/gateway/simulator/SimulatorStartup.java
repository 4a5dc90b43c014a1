package me.mixpay.gateway.simulator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs the {@link MixPaySimulator} beside the gateway, in the same process, when {@code gateway.simulator.enabled}
 * (dev mode). Nothing of the gateway refers to it: Quarkus finds it as a bean of the application.
 */
@ApplicationScoped
public class SimulatorStartup {

    private final SimulatorConfig config;
    private MixPaySimulator simulator;

    SimulatorStartup(SimulatorConfig config) {
        this.config = config;
    }

    void start(@Observes StartupEvent started) {
        if (config.enabled()) {
            simulator = new MixPaySimulator(SimulatorSettings.from(config));
            simulator.start(config.port());
        }
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (simulator != null) {
            simulator.stop();
        }
    }
}
