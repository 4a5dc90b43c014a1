package me.mixpay.gateway.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.catalog.ErrorCatalog;

/**
 * Property-based fuzzing of the inspector (jqwik): whatever MixPay, a middlebox or an attacker puts in a
 * reply, the inspector returns a verdict, never throws, and never holds more than its limit in memory.
 * The number of tries per property is {@code -Dfuzz.tries} (2,000 in CI; docs/security.md for a long run).
 */
class EnvelopeInspectorFuzzTest {

    private static final int LIMIT = 64 * 1024;
    private final EnvelopeInspector inspector = new EnvelopeInspector(ErrorCatalog.mixpay(), LIMIT);

    @Property
    void randomBytesAlwaysGetAVerdict(@ForAll @Size(max = 4096) byte[] body, @ForAll("encodings") String encoding) {
        Inspection verdict = inspector.inspect(body, encoding);
        assertThat(verdict).isNotNull();
        assertThat(verdict.category()).isNotNull();
    }

    @Property
    void envelopesWithHostileFieldsAlwaysGetAVerdict(@ForAll("envelopes") String envelope) {
        Inspection verdict = inspector.inspect(envelope.getBytes(StandardCharsets.UTF_8), null);
        assertThat(verdict.category()).isNotNull();
        if (verdict.code() != null && verdict.category() != Category.SUCCESS && verdict.category() != Category.UNPARSEABLE) {
            assertThat(verdict.category()).isEqualTo(ErrorCatalog.mixpay().categorize(verdict.code()));
        }
    }

    @Property
    void aWellFormedCodeIsAlwaysReadBack(@ForAll("codes") long code, @ForAll("junk") String message) {
        String body = "{\"code\":" + code + ",\"success\":" + (code == 0) + ",\"message\":" + quote(message)
                + ",\"data\":null,\"timestampMs\":1}";
        Inspection verdict = inspector.inspect(body.getBytes(StandardCharsets.UTF_8), null);
        assertThat(verdict.code()).isEqualTo(code);
        assertThat(verdict.category()).isEqualTo(ErrorCatalog.mixpay().categorize(code));
    }

    @Property
    void invalidUtf8InTheMessageNeverEscapes(@ForAll @Size(min = 1, max = 64) byte[] garbage, @ForAll("codes") long code) {
        byte[] head = ("{\"code\":" + code + ",\"message\":\"").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + garbage.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(garbage, 0, body, head.length, garbage.length);
        System.arraycopy(tail, 0, body, head.length + garbage.length, tail.length);
        assertThat(inspector.inspect(body, null).category()).isNotNull();
    }

    @Example
    void deepNestingIsUnparseableNotAStackOverflow() {
        String deep = "{\"data\":" + "[".repeat(200_000) + "]".repeat(200_000) + ",\"code\":-1}";
        EnvelopeInspector roomy = new EnvelopeInspector(ErrorCatalog.mixpay(), 1 << 20);
        assertThat(roomy.inspect(deep.getBytes(StandardCharsets.US_ASCII), null).category()).isNotNull();
    }

    @Example
    void aGzipBombIsCutAtTheLimitAndAllocatesBoundedMemory() throws Exception {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) { // 256 MiB of zeros, about 250 KiB compressed
                gzip.write(zeros);
            }
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Inspection verdict = inspector.inspect(compressed.toByteArray(), "gzip");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(verdict).isEqualTo(Inspection.UNPARSEABLE);
        assertThat(allocated).as("bytes allocated inspecting a 256 MiB gzip bomb").isLessThan(4L * LIMIT + (1 << 20));
    }

    @Provide
    Arbitrary<String> encodings() {
        return Arbitraries.of(null, "gzip", "deflate", "identity", "br", "x-gzip", " GZIP ", "");
    }

    @Provide
    Arbitrary<Long> codes() {
        return Arbitraries.oneOf(Arbitraries.of(0L, -1L, 1429L, 10008L, 1017L, 2000L, 10011L),
                Arbitraries.longs(), Arbitraries.longs().between(-100_000, 100_000));
    }

    @Provide
    Arbitrary<String> junk() {
        return Arbitraries.strings().all().ofMaxLength(200);
    }

    @Provide
    Arbitrary<String> envelopes() {
        Arbitrary<String> codeValue = Arbitraries.oneOf(
                Arbitraries.longs().map(Object::toString),
                Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(30).negate(), java.math.BigInteger.TEN.pow(30))
                        .map(Object::toString),
                Arbitraries.doubles().map(Object::toString),
                Arbitraries.of("1e400", "-0", "0.0", "1429.5", "NaN", "\"1429\"", "\"abc\"", "true", "null", "[]", "{}",
                        "[1429]", "{\"code\":1429}", "9".repeat(400)),
                junk().map(EnvelopeInspectorFuzzTest::quote));
        Arbitrary<String> field = Combinators.combine(
                Arbitraries.of("code", "success", "message", "data", "timestampMs", "extra", "\u0000", "c\\u006fde"),
                Arbitraries.oneOf(codeValue, Arbitraries.of("true", "false", "null", "{\"a\":[1,2,{\"b\":null}]}")))
                .as((name, value) -> "\"" + name + "\":" + value);
        Arbitrary<String> envelope = field.list().ofMaxSize(12).map(fields -> "{" + String.join(",", fields) + "}");
        // Sometimes cut short or with trailing garbage, as a broken connection or a proxy would leave it.
        return Combinators.combine(envelope, Arbitraries.integers().between(0, 100), junk())
                .as((text, cut, tail) -> cut < 15 ? text.substring(0, text.length() * cut / 15)
                        : cut < 25 ? text + tail : text);
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
