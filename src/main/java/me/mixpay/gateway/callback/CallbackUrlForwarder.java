package me.mixpay.gateway.callback;

import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;

import me.mixpay.gateway.cache.LookupCache;
import me.mixpay.gateway.envelope.GatewayError;
import me.mixpay.gateway.envelope.GatewayException;
import me.mixpay.gateway.idempotency.BodyParameters;
import me.mixpay.gateway.idempotency.CreationKey;
import me.mixpay.gateway.proxy.Forwarded;
import me.mixpay.gateway.proxy.Forwarder;
import me.mixpay.gateway.proxy.ProxyExchange;
import me.mixpay.gateway.relay.CallbackRelay;
import me.mixpay.gateway.resilience.RouteTable;

/**
 * Puts the gateway's own callback URL in every payment creation it sends, once the creation's record is
 * kept. It sits inside the idempotency layer, which has already keyed and fingerprinted the merchant's own
 * bytes, so a resend of the same creation still replays.
 */
@Decorator
@Priority(15)
class CallbackUrlForwarder implements Forwarder {

    private static final String UNREADABLE = "with MixPay's callbacks on, a creation is a form or a JSON object, MixPay's own two"
            + " spellings, so the gateway can put its callback URL in it; nothing was forwarded";

    @Inject
    @Delegate
    Forwarder next;

    @Inject
    CallbackSetup setup;

    @Inject
    PaymentRecords records;

    @Inject
    LookupCache cache;

    @Inject
    CallbackRelay relay;

    @Inject
    RouteTable routes;

    @Override
    public Uni<Forwarded> forward(ProxyExchange exchange) {
        CallbackUrls urls = setup.urls();
        if (urls == null || !HttpMethod.POST.equals(exchange.method()) || exchange.attempts() > 0) {
            return next.forward(exchange);
        }
        Map<String, List<String>> params = BodyParameters.read(exchange);
        if (params == null && CreationKey.isCreationPath(exchange.path())) {
            // Neither a form nor a JSON object (multipart, a broken escape): the gateway could neither put its
            // URL in nor check a callbackUrl the merchant put there, so nothing of it goes to MixPay.
            return refuse(exchange, GatewayError.BAD_REQUEST, UNREADABLE);
        }
        CreationKey key = params == null ? null : CreationKey.of(exchange, params);
        if (key == null || !key.creation()) {
            // Not a creation MixPay could accept (no orderId nor traceId): it goes as it came, and MixPay refuses it.
            return next.forward(exchange);
        }
        String ref = urls.refOf(key);
        Buffer rewritten = CreationBody.withCallbackUrl(exchange.body(), exchange.header(HttpHeaders.CONTENT_TYPE), urls.urlFor(ref));
        if (rewritten == null) {
            return refuse(exchange, GatewayError.BAD_REQUEST, UNREADABLE);
        }
        PaymentRecord record = PaymentRecord.of(ref, exchange.merchant(), params, System.currentTimeMillis(), exchange.trace().traceparent());
        if (record.callbackUrl() != null && !relay.allows(exchange.merchant(), record.callbackUrl())) {
            relay.meters().refusedTarget();
            return refuse(exchange, GatewayError.CALLBACK_TARGET_NOT_ALLOWED,
                    "callbackUrl is not one of the callback targets this gateway's operator allowed this merchant; nothing was forwarded");
        }
        exchange.rewriteBody(rewritten);
        if (setup.pacePolls()) {
            cache.expectCallback(record.traceId(), record.payeeId(), record.orderId());
        }
        return records.create(record).chain(kept -> next.forward(exchange))
                .call(forwarded -> paymentMayExist(forwarded, exchange) ? Uni.createFrom().voidItem() : records.forget(record));
    }

    private Uni<Forwarded> refuse(ProxyExchange exchange, GatewayError error, String detail) {
        String group = routes.match(exchange.method().name(), exchange.path()).name();
        exchange.route(group);
        return Uni.createFrom().item(Forwarded.failed(new GatewayException(error, detail),
                MultiMap.caseInsensitiveMultiMap().set("X-Gateway-Route", group).set("X-Gateway-Attempts", "0")));
    }

    /**
     * Whether MixPay may hold a payment of this creation: it answered success, or may have acted without
     * answering. As the exactly-once key is freed otherwise, so is the record (docs/exactly-once.md).
     */
    private static boolean paymentMayExist(Forwarded forwarded, ProxyExchange exchange) {
        return (forwarded.reply() != null && forwarded.reply().inspection().isSuccess()) || exchange.unsettled();
    }
}
