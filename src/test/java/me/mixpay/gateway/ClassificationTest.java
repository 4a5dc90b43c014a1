package me.mixpay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;

import me.mixpay.gateway.support.RawHttp;

import me.mixpay.gateway.support.MixPayReplies;

/** Every category, read from a real upstream reply and reported in X-MixPay-Code / X-MixPay-Category. */
@QuarkusTest
class ClassificationTest extends GatewayTestBase {

    private static final String PATH = "/v1/test/inspect/reply";

    @ParameterizedTest(name = "code {0} is {1}")
    @CsvSource({
            "0, success",
            "-1, transient",
            "10034, transient",
            "40009, transient",
            "10008, maintenance",
            "10009, maintenance",
            "40011, maintenance",
            "10000, auth",
            "2000, auth",
            "1017, client_error",
            "10011, client_error",
            "10010, business",
            "40021, business",
            "40000, business",
            "77777, unknown",
    })
    // 1429 (rate_limited) is not relayed but answered by the budget, which then pauses every call for a
    // window: BudgetTest holds it, in a profile of its own.
    void everyCategoryIsClassifiedEndToEnd(long code, String category) {
        String body = code == 0 ? MixPayReplies.success("{\"x\":1}") : MixPayReplies.error(code, "whatever");
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body)));

        given().get(PATH).then().statusCode(200)
                .header("X-MixPay-Code", String.valueOf(code))
                .header("X-MixPay-Category", category)
                .body(equalTo(body));
    }

    @Test
    void successWithoutCodeIsSuccess() {
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                .withBody("{\"success\":true,\"data\":{\"a\":[1,2,3]}}")));

        given().get(PATH).then().statusCode(200)
                .header("X-MixPay-Code", "none").header("X-MixPay-Category", "success");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json | <html>502 Bad Gateway</html>",
            "truncated | {\"code\":10008,\"succ",
            "array | [1,2,3]",
            "no envelope fields | {\"hello\":\"world\"}",
    })
    void unreadableBodiesAreUnparseableAndPassedThrough(String label, String body) {
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200).withBody(body)));

        given().get(PATH).then().statusCode(200)
                .header("X-MixPay-Category", "unparseable")
                .header("X-MixPay-Code", "none")
                .body(equalTo(body));
    }

    @Test
    void emptyBodyIsUnparseable() {
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200)));

        given().get(PATH).then().statusCode(200).header("X-MixPay-Category", "unparseable");
    }

    @Test
    void gzipBodyIsInspectedAndPassedThroughCompressed() throws IOException {
        byte[] gzipped = gzip(MixPayReplies.error(10010, "Insufficient balance of assets."));
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Encoding", "gzip").withHeader("Content-Type", "application/json").withBody(gzipped)));

        // REST Assured decompresses transparently: the merchant reads the same envelope MixPay wrote.
        given().header("Accept-Encoding", "gzip").get(PATH).then().statusCode(200)
                .header("Content-Encoding", "gzip")
                .header("X-MixPay-Code", "10010")
                .header("X-MixPay-Category", "business")
                .body("code", equalTo(10010));
    }

    @Test
    void deflateBodyIsInspected() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out)) {
            deflate.write(MixPayReplies.error(-1, "Server error").getBytes());
        }
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Encoding", "deflate").withBody(out.toByteArray())));

        given().header("Accept-Encoding", "deflate").get(PATH).then()
                .header("X-MixPay-Code", "-1").header("X-MixPay-Category", "transient");
    }

    @Test
    void corruptGzipIsUnparseableNotAnError() throws IOException {
        upstream.stubFor(get(PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Encoding", "gzip").withBody("definitely not gzip")));

        // Raw, because an HTTP client would fail on the corrupt body before the test could look at it.
        RawHttp.Reply reply = RawHttp.send("GET " + PATH + " HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).containsIgnoringCase("X-MixPay-Category: unparseable");
        assertThat(reply.body()).isEqualTo("definitely not gzip");
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(text.getBytes());
        }
        return out.toByteArray();
    }
}
