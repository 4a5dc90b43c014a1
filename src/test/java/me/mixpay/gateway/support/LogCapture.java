package me.mixpay.gateway.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every log record of the running gateway while started, as the root logger's handlers see it: all
 * lines (message and parameters) and the access log's lines on their own.
 */
public final class LogCapture extends Handler {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> accessLines = new CopyOnWriteArrayList<>();

    public LogCapture start() {
        Logger.getLogger("").addHandler(this);
        return this;
    }

    public void stop() {
        Logger.getLogger("").removeHandler(this);
    }

    public List<String> lines() {
        return lines;
    }

    public List<String> accessLines() {
        return accessLines;
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getMessage() + " " + java.util.Arrays.toString(record.getParameters()));
        if ("mixpay.gateway.access".equals(record.getLoggerName())) {
            accessLines.add(record.getMessage());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
