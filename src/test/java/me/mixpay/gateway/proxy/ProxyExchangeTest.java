package me.mixpay.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

/**
 * Once a request has been answered, an attempt still running (SmallRye's guards do not cancel what the
 * request's deadline abandons) can neither send again nor change what the request's key keeps.
 */
class ProxyExchangeTest {

    private static ProxyExchange creation() {
        return new ProxyExchange("r-1", HttpMethod.POST, "/v1/payments", MultiMap.caseInsensitiveMultiMap(), null, System.nanoTime());
    }

    @Test
    void noAttemptStartsAfterTheAnswer() {
        ProxyExchange exchange = creation();
        assertThat(exchange.startAttempt()).isTrue();
        assertThat(exchange.unsettled()).isTrue();

        exchange.answered(false);

        assertThat(exchange.startAttempt()).isFalse();
        assertThat(exchange.attempts()).isEqualTo(1);
    }

    @Test
    void whatTheAnswerLeftStaysWhateverAStragglerFindsLater() {
        ProxyExchange unknown = creation();
        unknown.startAttempt();
        unknown.answered(false);
        unknown.unsettled(false);
        assertThat(unknown.unsettled()).as("an attempt out at the answer leaves the creation unknown").isTrue();

        ProxyExchange refused = creation();
        refused.startAttempt();
        refused.unsettled(false);
        refused.answered(false);
        refused.unsettled(true);
        assertThat(refused.unsettled()).isFalse();
    }

    @Test
    void mixPaysReplyAsTheAnswerSettlesTheRequest() {
        ProxyExchange exchange = creation();
        exchange.startAttempt();

        exchange.answered(true);

        assertThat(exchange.unsettled()).isFalse();
    }
}
