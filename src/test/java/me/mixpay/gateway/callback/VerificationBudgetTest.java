package me.mixpay.gateway.callback;

import static io.restassured.RestAssured.given;
import static me.mixpay.gateway.callback.CallbackTest.metric;
import static me.mixpay.gateway.callback.CallbackTest.orderId;
import static me.mixpay.gateway.callback.CallbackTest.pay;
import static me.mixpay.gateway.callback.CallbackTest.poll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;

import me.mixpay.gateway.simulator.CreationForm;
import me.mixpay.gateway.support.CallbackUpstream;
import me.mixpay.gateway.support.SimulatorUpstream;

/**
 * A callback's check waits for MixPay's budget ahead of every waiting poll: the merchant's next poll is
 * answered from what it finds, so it is the call that makes a paid payment visible (docs/callbacks.md,
 * "Measured"). Real HTTP to the simulator, whose journal says in which order MixPay was asked.
 */
@QuarkusTest
@TestProfile(VerificationBudgetTest.SmallBudget.class)
class VerificationBudgetTest {

    public static class SmallBudget extends CallbackUpstream {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            // Six calls per 4 s, two of them the creations' own: polls and checks share four.
            config.put("gateway.budget.limit", "6");
            config.put("gateway.budget.window", "4s");
            config.put("gateway.budget.critical-reserve", "0.25");
            config.put("gateway.budget.normal-reserve", "0");
            return config;
        }
    }

    /**
     * In a window with nothing in it (whatever the gateway's start asked of MixPay), creates {@code creations}
     * payments, then polls other orders until four of the six calls are spent: the next normal call waits.
     * Done again from an empty window when filling took more than 1.5 s (a busy machine): the window's first
     * call then leaves it too soon for the test's next steps to happen while calls wait. The first payment's
     * traceId and orderId.
     */
    private static List<String> createThenFillTheWindow(int creations) {
        for (int tries = 1; ; tries++) {
            await().atMost(Duration.ofSeconds(15)).until(() -> metric("mixpay_gateway_budget_used") == 0);
            long started = System.currentTimeMillis();
            String first = orderId();
            String traceId = given().formParams(CreationForm.of(first, CreationForm.ETH)).post("/v1/one_time_payment").then()
                    .statusCode(200).extract().jsonPath().getString("data.code");
            for (int more = 1; more < creations; more++) {
                given().formParams(CreationForm.of(orderId(), CreationForm.ETH)).post("/v1/one_time_payment").then().statusCode(200);
            }
            // Polls fill what the creations leave of the window (four of six).
            while (metric("mixpay_gateway_budget_used") < 4) {
                poll(orderId()).then().statusCode(200);
            }
            long took = System.currentTimeMillis() - started;
            if (took <= 1_500) {
                return List.of(traceId, first);
            }
            assertThat(tries).as("tries to fill the window within 1.5 s (the last took %d ms)", took).isLessThan(5);
        }
    }

    @Test
    void aCallbacksCheckGoesToMixPayBeforeThePollsThatWaitedLonger() throws Exception {
        String traceId = createThenFillTheWindow(2).get(0);

        long since = System.currentTimeMillis();
        List<String> waiting = List.of(orderId(), orderId());
        List<CompletableFuture<Response>> polls = waiting.stream().map(order -> CompletableFuture.supplyAsync(() -> poll(order))).toList();
        await().atMost(Duration.ofSeconds(2)).until(() -> metric("mixpay_gateway_budget_waiting{class=\"normal\"}") == 2);
        pay(traceId);
        await().atMost(Duration.ofSeconds(2)).until(() -> metric("mixpay_gateway_budget_waiting{class=\"verification\"}") == 1);

        for (CompletableFuture<Response> poll : polls) {
            poll.get().then().statusCode(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("mixpay_gateway_callbacks_verified_total{status=\"success\"}") >= 1);
        List<JsonObject> asked = new JsonObject(given().baseUri(SimulatorUpstream.controls()).port(-1)
                .get("/_simulator/requests?since=" + since).asString()).getJsonArray("requests").stream().map(JsonObject.class::cast)
                .filter(request -> "GET /v1/payments_result".equals(request.getString("endpoint"))).toList();
        assertThat(asked).as("payments_result calls after the polls began to wait").hasSize(3);
        // The check asks for the paid payment (found: 0); the waiting polls ask for orders MixPay never had (40022).
        assertThat(asked).extracting(request -> request.getInteger("code")).as("MixPay's codes in the order it was asked")
                .containsExactly(0, 40022, 40022);
    }

    @Test
    void aPollWaitingForBudgetIsAnsweredByItsPaymentsVerifiedCallbackAndSpendsNoCall() throws Exception {
        List<String> created = createThenFillTheWindow(1);
        String traceId = created.get(0);
        String paid = created.get(1);
        double refusedBefore = metric("mixpay_gateway_budget_refusals_total{class=\"normal\"}");
        double answeredBefore = metric("mixpay_gateway_callbacks_polls_answered_total");

        // The merchant polls its payment twice while the window is full: one call waits, the other poll joins it.
        long since = System.currentTimeMillis();
        List<CompletableFuture<Response>> waiting = List.of(CompletableFuture.supplyAsync(() -> poll(paid)),
                CompletableFuture.supplyAsync(() -> poll(paid)));
        await().atMost(Duration.ofSeconds(2)).until(() -> metric("mixpay_gateway_budget_waiting{class=\"normal\"}") == 1);
        pay(traceId);

        // The callback's check takes the first call the window lets go; its verified answer is both polls'.
        for (CompletableFuture<Response> poll : waiting) {
            Response answer = poll.get();
            answer.then().statusCode(200).header("X-Gateway-Cache", "hit");
            assertThat(answer.jsonPath().getString("data.status")).isEqualTo("success");
        }
        assertThat(metric("mixpay_gateway_budget_waiting{class=\"normal\"}")).as("the polls' call left the queue").isZero();
        assertThat(metric("mixpay_gateway_callbacks_polls_answered_total") - answeredBefore).as("polls the callback answered").isEqualTo(2);

        // Long enough for the window to let the poll's own call go, had it still waited.
        Thread.sleep(5_000);
        List<JsonObject> asked = new JsonObject(given().baseUri(SimulatorUpstream.controls()).port(-1)
                .get("/_simulator/requests?since=" + since).asString()).getJsonArray("requests").stream().map(JsonObject.class::cast)
                .filter(request -> "GET /v1/payments_result".equals(request.getString("endpoint"))).toList();
        assertThat(asked).as("payments_result calls once the poll waited: the callback's check alone").hasSize(1);
        assertThat(metric("mixpay_gateway_budget_refusals_total{class=\"normal\"}")).as("the withdrawn call is no refusal")
                .isEqualTo(refusedBefore);
    }

    @Test
    void postsOfTheCallbackWhileItsCheckWaitsForBudgetJoinTheCheckAndMixPayIsAskedOnce() throws Exception {
        List<String> created = createThenFillTheWindow(1);
        String traceId = created.get(0);
        String path = CallbackTest.payment(traceId).getString("callbackUrl").substring(CallbackUpstream.PUBLIC_URL.length());
        String body = new JsonObject().put("orderId", created.get(1)).put("traceId", traceId).put("payeeId", CreationForm.PAYEE).encode();
        double verified = metric("mixpay_gateway_callbacks_verified_total{status=\"success\"}");
        long since = System.currentTimeMillis();
        pay(traceId);
        await().atMost(Duration.ofSeconds(2)).until(() -> metric("mixpay_gateway_budget_waiting{class=\"verification\"}") == 1);

        // MixPay's duplicates, ten at once, while the check waits for the window.
        double received = metric("mixpay_gateway_callbacks_received_total");
        List<CompletableFuture<Response>> posts = java.util.stream.IntStream.range(0, 10).mapToObj(i -> CompletableFuture.supplyAsync(
                () -> given().contentType(io.restassured.http.ContentType.JSON).body(body).post(path))).toList();
        // All ten in while the check still waits: they found it in flight, none asked for a call of its own.
        await().atMost(Duration.ofSeconds(2)).until(() -> metric("mixpay_gateway_callbacks_received_total") - received >= 10);
        assertThat(metric("mixpay_gateway_budget_waiting{class=\"verification\"}")).as("checks waiting for budget, the posts in").isEqualTo(1);
        for (CompletableFuture<Response> post : posts) {
            // SUCCESS once the check is done; 503 when it still waited after the answer's time: MixPay tries again.
            assertThat(post.get().statusCode()).as(post.get().asString()).isIn(200, 503);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("mixpay_gateway_callbacks_verified_total{status=\"success\"}") > verified);
        Thread.sleep(1_000); // any second check would be on its way
        List<JsonObject> asked = new JsonObject(given().baseUri(SimulatorUpstream.controls()).port(-1)
                .get("/_simulator/requests?since=" + since).asString()).getJsonArray("requests").stream().map(JsonObject.class::cast)
                .filter(request -> "GET /v1/payments_result".equals(request.getString("endpoint"))).toList();
        assertThat(asked).as("payments_result calls for eleven posts of one callback").hasSize(1);
        assertThat(metric("mixpay_gateway_callbacks_verified_total{status=\"success\"}") - verified).isEqualTo(1);
    }
}
