package me.mixpay.gateway.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logmanager.ExtHandler;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import me.mixpay.gateway.config.GatewayConfig;

/**
 * Batches the access log's writes: the handlers of the {@code mixpay.gateway.access} category stop
 * flushing after every line and are flushed every {@code gateway.access-log.flush-interval} instead, by
 * a thread of their own rather than by an event loop. The handler's writer still writes whenever its
 * 8 KiB buffer fills (on the thread that logged the line that filled it, about every 25 lines), so
 * memory stays bounded whatever the request rate.
 * <p>
 * At shutdown every handler goes back to flushing each line, which writes what is buffered: requests
 * that finish while the gateway drains are logged at once.
 */
@ApplicationScoped
public class AccessLogBuffer {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AccessLogBuffer.class);

    private final Duration interval;
    private final List<ExtHandler> buffered = new ArrayList<>();
    private ScheduledExecutorService flusher;

    AccessLogBuffer(GatewayConfig config) {
        this.interval = config.accessLog().flushInterval();
    }

    void start(@Observes StartupEvent started) {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        // Only the category's own handlers: the root console carries errors, which must never wait.
        for (Handler handler : Logger.getLogger(AccessLog.CATEGORY).getHandlers()) {
            if (handler instanceof ExtHandler ext) {
                ext.setAutoFlush(false);
                buffered.add(ext);
            }
        }
        if (buffered.isEmpty()) {
            return;
        }
        flusher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "access-log-flush");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        flusher.scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
        LOG.infof("access log lines are written every %d ms (gateway.access-log.flush-interval)", millis);
    }

    void stop(@Observes ShutdownEvent stopping) {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        buffered.forEach(handler -> handler.setAutoFlush(true));
    }

    private void flush() {
        buffered.forEach(Handler::flush);
    }
}
