package me.mixpay.gateway.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.catalog.ErrorCatalog;

/** The inspector alone: every shape of body gets a verdict and nothing escapes. */
class EnvelopeInspectorTest {

    private final EnvelopeInspector inspector = new EnvelopeInspector(ErrorCatalog.mixpay(), 64 * 1024);

    private Inspection inspect(String body) {
        return inspector.inspect(body.getBytes(StandardCharsets.UTF_8), null);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"code\":0,\"success\":true,\"message\":\"\",\"data\":{}} | SUCCESS",
            "{\"success\":true} | SUCCESS",
            "{\"code\":-1,\"success\":false,\"message\":\"Server error\"} | TRANSIENT",
            "{\"message\":\"x\",\"code\":10008} | MAINTENANCE",
            "{\"code\":\"1429\",\"message\":\"slow\"} | RATE_LIMITED",
            "{\"code\":99999999999999999999999,\"success\":false} | UNKNOWN",
            "{\"code\":1.5,\"success\":false} | UNKNOWN",
            "{\"code\":{\"nested\":1},\"success\":false} | UNKNOWN",
            "{\"code\":null,\"success\":false} | UNKNOWN",
            "{\"success\":false} | UNKNOWN",
            "{\"data\":{\"deep\":[1,2,{\"code\":0}]},\"code\":10010,\"message\":\"m\"} | BUSINESS",
            "{\"code\":1017,\"code\":0} | SUCCESS",
            "{\"co\\u0064e\":1017} | CLIENT_ERROR",
            "{\"code\":9223372036854775807,\"message\":\"m\"} | UNKNOWN",
            "{\"code\":9223372036854775808,\"message\":\"m\"} | UNKNOWN",
            "{\"code\":-0,\"message\":\"m\"} | SUCCESS",
            "{\"code\":1e2,\"message\":\"m\"} | UNKNOWN",
            "{\"code\":00,\"message\":\"m\"} | UNPARSEABLE",
            "{\"code\":+1,\"message\":\"m\"} | UNPARSEABLE",
            "{\"code\":1.,\"message\":\"m\"} | UNPARSEABLE",
            "{\"code\":-,\"message\":\"m\"} | UNPARSEABLE",
            "{\"code\":1017,} | UNPARSEABLE",
            "{\"data\":[1,],\"code\":1017} | UNPARSEABLE",
            "{\"data\":1 /* c */,\"code\":1017} | UNPARSEABLE",
            "[] | UNPARSEABLE",
            "\"text\" | UNPARSEABLE",
            "{} | UNPARSEABLE",
            "{\"code\": | UNPARSEABLE",
            "not json | UNPARSEABLE",
    })
    void everyShapeGetsAVerdict(String body, Category expected) {
        assertThat(inspect(body).category()).isEqualTo(expected);
    }

    @Test
    void readsCodeAndMessageOfAnError() {
        Inspection inspection = inspect("{\"code\":10008,\"success\":false,\"message\":\"Payments are suspended\",\"data\":[]}");

        assertThat(inspection.code()).isEqualTo(10008L);
        assertThat(inspection.message()).isEqualTo("Payments are suspended");
    }

    @Test
    void aMessageIsReadAsSentWithItsEscapesDecoded() {
        Inspection inspection = inspect("{\"code\":10011,\"message\":\"Ordre introuvable \\u00e9 \\\"x\\\"\"}");

        assertThat(inspection).isEqualTo(new Inspection(Category.CLIENT_ERROR, 10011L, "Ordre introuvable é \"x\""));
    }

    @Test
    void dataNestedPastJacksonsDepthLimitIsUnparseable() {
        // 1,000 levels with the envelope's own: data may open 999.
        assertThat(inspect("{\"data\":" + "[".repeat(999) + "]".repeat(999) + ",\"code\":1017}").category())
                .isEqualTo(Category.CLIENT_ERROR);
        assertThat(inspect("{\"data\":" + "[".repeat(1000) + "]".repeat(1000) + ",\"code\":1017}").category())
                .isEqualTo(Category.UNPARSEABLE);
    }

    @Test
    void aNumberPastJacksonsLengthLimitIsUnparseable() {
        assertThat(inspect("{\"data\":" + "1".repeat(1000) + ",\"code\":1017}").category()).isEqualTo(Category.CLIENT_ERROR);
        assertThat(inspect("{\"data\":" + "1".repeat(1001) + ",\"code\":1017}").category()).isEqualTo(Category.UNPARSEABLE);
    }

    @Test
    void deepNestingIsUnparseableNotAStackOverflow() {
        String deep = "{\"data\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"code\":0}";

        assertThat(inspect(deep).category()).isIn(Category.UNPARSEABLE, Category.SUCCESS);
    }

    @Test
    void invalidUtf8IsHandled() {
        byte[] body = { '{', '"', 'm', 'e', 's', 's', 'a', 'g', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' };

        assertThat(inspector.inspect(body, null).category()).isEqualTo(Category.UNPARSEABLE);
    }

    @Test
    void bodiesOverTheLimitAreNotParsed() {
        EnvelopeInspector small = new EnvelopeInspector(ErrorCatalog.mixpay(), 16);

        assertThat(small.inspect("{\"code\":0,\"success\":true}".getBytes(), null).category()).isEqualTo(Category.UNPARSEABLE);
    }

    @Test
    void unknownContentEncodingIsUnparseable() {
        assertThat(inspector.inspect("{\"code\":0}".getBytes(), "br").category()).isEqualTo(Category.UNPARSEABLE);
        assertThat(inspector.inspect("{\"code\":0}".getBytes(), "identity").category()).isEqualTo(Category.SUCCESS);
    }
}
