package me.mixpay.gateway.simulator;

import java.util.Map;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A request's parameters where MixPay's pages put them: the query string of a GET; the form or JSON body
 * of a POST. A POST's query string is not read, so a merchant who sends it there learns it at the
 * simulator (with 1017) rather than in production.
 */
final class RequestParameters {

    private RequestParameters() {
    }

    static MultiMap read(RoutingContext rc) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        if (rc.request().method() != HttpMethod.POST) {
            rc.queryParams().forEach(e -> add(params, e.getKey(), e.getValue()));
            return params;
        }
        String type = rc.request().getHeader("Content-Type");
        if (type != null && type.toLowerCase().contains("json")) {
            readJson(rc, params);
        } else {
            // Form bodies as curl -d sends them; `receivers[]=` is PHP's array notation, as the multisig page uses.
            rc.request().formAttributes().forEach(e -> add(params, e.getKey(), e.getValue()));
        }
        return params;
    }

    private static void readJson(RoutingContext rc, MultiMap params) {
        Object body;
        try {
            body = rc.body().length() == 0 ? null : rc.body().asJsonObject();
        } catch (RuntimeException notAnObject) {
            return; // Read as no parameters at all: the endpoint's rules answer 1017.
        }
        if (body == null) {
            return;
        }
        for (Map.Entry<String, Object> field : (JsonObject) body) {
            Object value = field.getValue();
            if (value instanceof JsonArray array) {
                array.forEach(item -> add(params, field.getKey(), String.valueOf(item)));
            } else if (value != null) {
                add(params, field.getKey(), String.valueOf(value));
            }
        }
    }

    private static void add(MultiMap params, String name, String value) {
        params.add(name.endsWith("[]") ? name.substring(0, name.length() - 2) : name, value);
    }
}
