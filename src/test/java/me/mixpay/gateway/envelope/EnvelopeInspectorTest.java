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
