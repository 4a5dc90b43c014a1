package me.mixpay.gateway.simulator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * The simulator, reached through the gateway's real HTTP path, answers every documented endpoint in the
 * shape of the example reply on MixPay's page: the pages are read at test time ({@code mixpay.api-docs}),
 * so a page that changes changes the contract.
 */
@QuarkusTest
@TestProfile(SimulatorUpstream.class)
class SimulatorContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BTC = CreationForm.BTC;
    private static final String ETH = CreationForm.ETH;
    private static final String PAYEE = CreationForm.PAYEE;

    @Test
    void everyEndpointAnswersInItsPagesShape() throws Exception {
        String orderId = "contract_" + UUID.randomUUID().toString().substring(0, 8);
        String mixinTrace = given().contentType("application/x-www-form-urlencoded")
                .formParams(creation(orderId)).post("/v1/payments").then().statusCode(200).extract().path("data.traceId");
        Map<String, String> chain = creation(orderId + "c");
        chain.put("isChain", "1");
        String chainTrace = given().contentType("application/x-www-form-urlencoded").formParams(chain)
                .post("/v1/payments").then().statusCode(200).extract().path("data.traceId");
        given().post(SimulatorUpstream.controls() + "/_simulator/payments/" + mixinTrace + "/pay").then().statusCode(200);

        // Endpoint, its page, and the call. GET /v1/setting/assets has no page: it is held to payment_assets'.
        Map<String, Contract> contracts = new LinkedHashMap<>();
        contracts.put("GET /v1/setting/payment_assets", new Contract("assets--payment-assets.md",
                () -> given().get("/v1/setting/payment_assets")));
        contracts.put("GET /v1/setting/settlement_assets", new Contract("assets--settlement-assets.md",
                () -> given().get("/v1/setting/settlement_assets")));
        contracts.put("GET /v1/setting/quote_assets", new Contract("assets--quote-assets.md",
                () -> given().get("/v1/setting/quote_assets")));
        contracts.put("GET /v1/setting/assets", new Contract("assets--payment-assets.md",
                () -> given().get("/v1/setting/assets")));
        contracts.put("GET /v1/payments_estimated", new Contract("payments--payments-estimated.md",
                () -> given().queryParam("paymentAssetId", ETH).queryParam("settlementAssetId", BTC)
                        .queryParam("quoteAssetId", "usd").queryParam("quoteAmount", "10").get("/v1/payments_estimated")));
        contracts.put("POST /v1/payments", new Contract("payments--accepting-payments.md",
                () -> given().contentType("application/x-www-form-urlencoded").formParams(creation(orderId)).post("/v1/payments")));
        contracts.put("POST /v1/payments (isChain)", new Contract("payments--onchain-payments.md",
                () -> given().contentType("application/json").body(chain).post("/v1/payments")));
        contracts.put("POST /v1/one_time_payment", new Contract("payments--one-time-payment.md",
                () -> given().contentType("application/json").body(Map.of("payeeId", PAYEE, "settlementAssetId", BTC,
                        "quoteAssetId", "usd", "quoteAmount", "10", "orderId", orderId + "t")).post("/v1/one_time_payment")));
        contracts.put("GET /v1/payments_info", new Contract("payments--payments-info.md",
                () -> given().queryParam("traceId", mixinTrace).get("/v1/payments_info")));
        // The refresh page has no example of its own: "It will return the same object as on-chain payment API."
        contracts.put("POST /v1/payments/refresh", new Contract("payments--onchain-payments.md",
                () -> given().contentType("application/x-www-form-urlencoded").formParam("traceId", chainTrace)
                        .post("/v1/payments/refresh")));
        contracts.put("GET /v1/payments_result", new Contract("payments--payments-results.md",
                () -> given().queryParam("traceId", mixinTrace).queryParam("with", "payment,transactions")
                        .get("/v1/payments_result")));
        contracts.put("GET /v1/user/mixin_uuid/{mixinId}", new Contract("users--get-mixin-uuid.md",
                () -> given().get("/v1/user/mixin_uuid/40053095")));
        contracts.put("POST /v1/multisig", new Contract("multisig--get-multisig-id.md",
                () -> given().contentType("application/x-www-form-urlencoded")
                        .formParam("receivers[]", "f4dc0c64-b169-11ec-b909-0242ac120002")
                        .formParam("receivers[]", "081172a6-b16a-11ec-b909-0242ac120002")
                        .formParam("receivers[]", "0c64b4e4-b16a-11ec-b909-0242ac120002")
                        .formParam("threshold", "2").post("/v1/multisig")));

        List<String> mismatches = new ArrayList<>();
        int fields = 0;
        for (Map.Entry<String, Contract> entry : contracts.entrySet()) {
            Response reply = entry.getValue().call().get();
            assertThat(reply.statusCode()).as(entry.getKey()).isEqualTo(200);
            assertThat(reply.header("X-Gateway-Route")).as("%s went through the gateway", entry.getKey()).isNotNull();
            JsonShape shape = JsonShape.compare(DocumentedExample.success(entry.getValue().page()),
                    JSON.readTree(reply.asString()));
            shape.mismatches().forEach(m -> mismatches.add(entry.getKey() + " " + m));
            fields += shape.fieldsChecked();
        }

        // Errors: the error-codes page's global error response, for a documented parameter rule broken.
        Path errorPage = Path.of(System.getProperty("mixpay.error-codes-page"));
        Response refused = given().queryParam("traceId", mixinTrace).get("/v1/payments_estimated");
        JsonShape error = JsonShape.compare(DocumentedExample.failure(errorPage), JSON.readTree(refused.asString()));
        error.mismatches().forEach(m -> mismatches.add("error envelope " + m));
        fields += error.fieldsChecked();
        assertThat(refused.jsonPath().getInt("code")).isEqualTo(1017);

        System.out.printf("contract: %d fields checked across %d endpoints (and the error envelope)%n",
                fields, contracts.size());
        assertThat(mismatches).as("simulator replies that differ from MixPay's pages").isEmpty();
        assertThat(fields).as("a contract that checks next to nothing checks nothing").isGreaterThan(150);
    }

    @Test
    void theExamplesAreReadFromThePagesNotRemembered() {
        JsonNode result = DocumentedExample.success("payments--payments-results.md");
        assertThat(result.path("data").has("payeeId")).isTrue();
        assertThat(result.path("data").path("transactions").isArray()).isTrue();
        // The settlement page calls it network, not chain; the simulator once said chain.
        assertThat(DocumentedExample.success("assets--settlement-assets.md").path("data").get(0).has("network")).isTrue();
    }

    private record Contract(String page, Supplier<Response> call) {
    }

    private static Map<String, String> creation(String orderId) {
        return CreationForm.of(orderId, CreationForm.ETH);
    }
}
