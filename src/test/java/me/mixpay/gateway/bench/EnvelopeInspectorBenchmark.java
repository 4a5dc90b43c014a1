package me.mixpay.gateway.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import me.mixpay.gateway.catalog.ErrorCatalog;
import me.mixpay.gateway.envelope.EnvelopeInspector;
import me.mixpay.gateway.envelope.Inspection;

/**
 * The per-reply hot path: reading {@code code}/{@code success}/{@code message} from a MixPay reply and
 * classifying it. Run with {@code bench/jmh.sh} (adds {@code -prof gc} for bytes allocated per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnvelopeInspectorBenchmark {

    @Param({ "success-300B", "error-300B", "catalog-error-300B", "success-20KiB" })
    public String body;

    private byte[] bytes;
    private final EnvelopeInspector inspector = new EnvelopeInspector(ErrorCatalog.mixpay(), 1 << 20);

    @Setup
    public void load() {
        String data = switch (body) {
            case "success-300B" -> "{\"traceId\":\"4f2c8a4e-1b6d-4c8a-9e5f-3a2b1c0d9e8f\",\"status\":\"success\",\"quoteAmount\":\"10.5\","
                    + "\"quoteAssetId\":\"c6d0c728-2624-429b-8e0d-d9d19b6592fa\",\"payAmount\":\"10.5\"}";
            case "error-300B" -> "null";
            default -> "[" + "{\"assetId\":\"c6d0c728-2624-429b-8e0d-d9d19b6592fa\",\"symbol\":\"USDT\",\"price\":\"1.0001\"},".repeat(230) + "{}]";
        };
        // MixPay puts code first; data may be large, and the inspector must not read it.
        // An error in MixPay's own catalog wording is the common case; any other wording is read as sent.
        String message = body.startsWith("catalog") ? "Parameter error" : "Order not found, please check the traceId.";
        String envelope = body.contains("error")
                ? "{\"code\":10011,\"success\":false,\"message\":\"" + message + "\",\"data\":null,"
                        + "\"timestampMs\":1764000000000,\"padding\":\"" + "x".repeat(160) + "\"}"
                : "{\"code\":0,\"success\":true,\"message\":\"\",\"data\":" + data + ",\"timestampMs\":1764000000000}";
        bytes = envelope.getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public Inspection inspect() {
        return inspector.inspect(bytes, null);
    }
}
