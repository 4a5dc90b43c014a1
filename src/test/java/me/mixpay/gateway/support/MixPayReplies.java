package me.mixpay.gateway.support;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;

/** MixPay-shaped bodies for the upstream double. */
public final class MixPayReplies {

    /** A 200 reply with this body, declared as JSON. */
    public static ResponseDefinitionBuilder json(String body) {
        return WireMock.aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    private MixPayReplies() {
    }

    public static String success(String dataJson) {
        return "{\"code\":0,\"success\":true,\"message\":\"\",\"data\":" + dataJson + ",\"timestampMs\":1635734004508}";
    }

    public static String error(long code, String message) {
        return "{\"code\":" + code + ",\"success\":false,\"message\":\"" + message
                + "\",\"data\":[],\"timestampMs\":1635734004508}";
    }
}
