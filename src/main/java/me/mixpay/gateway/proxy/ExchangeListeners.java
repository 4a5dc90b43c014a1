package me.mixpay.gateway.proxy;

import java.util.List;
import java.util.function.Consumer;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

/**
 * Every {@link ExchangeListener} (metrics, the access log, traces, the status page), told of a request each
 * in turn. One that fails is logged and the others are told all the same: observability must never cost
 * the caller its reply.
 */
@Singleton // on the request path: no client proxy (CONTRIBUTING.md, "Rules the code follows")
public class ExchangeListeners {

    private static final Logger LOG = Logger.getLogger(ExchangeListeners.class);

    private final List<ExchangeListener> listeners;

    ExchangeListeners(Instance<ExchangeListener> listeners) {
        this.listeners = listeners.stream().toList();
    }

    public void tell(Consumer<ExchangeListener> event) {
        for (ExchangeListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException bug) {
                LOG.error("exchange listener failed", bug);
            }
        }
    }
}
