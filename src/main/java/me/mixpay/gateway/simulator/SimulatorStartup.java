package me.mixpay.gateway.simulator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import me.mixpay.gateway.config.GatewayConfig;

/** Runs the {@link MixPaySimulator} inside the gateway when {@code gateway.simulator.enabled} (dev mode). */
@ApplicationScoped
public class SimulatorStartup {

    private final GatewayConfig.Simulator config;
    private MixPaySimulator simulator;

    SimulatorStartup(GatewayConfig config) {
        this.config = config.simulator();
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
