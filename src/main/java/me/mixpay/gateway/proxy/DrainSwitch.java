package me.mixpay.gateway.proxy;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;

/**
 * Flips when SIGTERM arrives. From then on new merchant requests are refused with a 503
 * {@code shutting_down} envelope and {@code Connection: close} (nothing is forwarded, so a payment
 * refused here is safe to send to another replica), while requests already in flight, retries in
 * back-off included, run to their end within {@code quarkus.shutdown.timeout}.
 * <p>
 * Quarkus alone would keep forwarding new requests until its timeout; the shutdown-delay event is the
 * first thing it fires on SIGTERM, before it waits for in-flight work.
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class DrainSwitch {

    private static final Logger LOG = Logger.getLogger(DrainSwitch.class);

    private volatile boolean draining;

    void shutdownStarted(@Observes ShutdownDelayInitiatedEvent started) {
        draining = true;
        LOG.info("shutting down: new requests are refused, in-flight requests finish");
    }

    public boolean draining() {
        return draining;
    }
}
