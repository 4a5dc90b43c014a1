package me.mixpay.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Holds the access log's hand-written {@link JsonLine} to the Jackson generator it replaced: for any
 * strings (quotes, backslashes, control characters, non-ASCII, lone surrogates, null), whole numbers,
 * booleans and durations, the line is the one Jackson wrote, character for character.
 */
class JsonLineTest {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    @Property(tries = 2000)
    void stringsAreWrittenAsJacksonWritesThem(@ForAll("text") String first, @ForAll("text") String second) throws IOException {
        String expected = jackson(line -> {
            line.writeStringField("first", first);
            line.writeStringField("second", second);
        });
        assertThat(new JsonLine().string("first", first).string("second", second).end()).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void durationsAreRoundedAndWrittenAsJacksonWritesThem(@ForAll("millis") double millis) throws IOException {
        String expected = jackson(line -> line.writeNumberField("latencyMs", Math.round(millis * 10) / 10.0));
        assertThat(new JsonLine().tenths("latencyMs", millis).end()).isEqualTo(expected);
    }

    @Example
    void everyKindOfFieldInOneLine() throws IOException {
        String expected = jackson(line -> {
            line.writeStringField("time", "2026-12-02T06:00:00.123Z");
            line.writeStringField("path", "/v1/\"quoted\"\\\u0000\u001f\u007f\u00e9\u2028\ud800");
            line.writeStringField("none", null);
            line.writeNumberField("status", 200);
            line.writeNumberField("attempts", -3);
            line.writeNumberField("latencyMs", Math.round(1.25 * 10) / 10.0);
            line.writeNumberField("huge", Math.round(2.0e7 * 10) / 10.0);
            line.writeBooleanField("replay", true);
            line.writeBooleanField("not", false);
        });
        String line = new JsonLine().string("time", "2026-12-02T06:00:00.123Z")
                .string("path", "/v1/\"quoted\"\\\u0000\u001f\u007f\u00e9\u2028\ud800")
                .string("none", null)
                .number("status", 200)
                .number("attempts", -3)
                .tenths("latencyMs", 1.25)
                .tenths("huge", 2.0e7)
                .bool("replay", true)
                .bool("not", false)
                .end();
        assertThat(line).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> tricky = Arbitraries.strings().withChars("\"\\/\u0000\u0008\t\n\u000b\f\r\u001f\u007f é€\ud83d\ude00\ud800")
                .ofMaxLength(20);
        return Arbitraries.oneOf(any, tricky, Arbitraries.just(null), Arbitraries.just(""));
    }

    @Provide
    Arbitrary<Double> millis() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(0, 30_000),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.longs().between(0, 300_000).map(tenths -> tenths / 10.0),
                Arbitraries.longs().between(0, 300_000).map(tenths -> tenths / 10.0 + 0.05),
                Arbitraries.doubles().between(9_999_990, 2e9),
                Arbitraries.of(0.0, 0.04, 0.05, 0.049999, 9_999_999.94, 9_999_999.95, -0.04, -1.0, 1e300));
    }

    private interface Fields {
        void write(JsonGenerator line) throws IOException;
    }

    /** What the access log wrote before {@link JsonLine}: a Jackson generator on a string writer. */
    private static String jackson(Fields fields) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator line = JSON.createGenerator(out)) {
            line.writeStartObject();
            fields.write(line);
            line.writeEndObject();
        }
        return out.toString();
    }
}
