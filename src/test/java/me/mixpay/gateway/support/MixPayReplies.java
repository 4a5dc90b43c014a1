package me.mixpay.gateway.support;

/** MixPay-shaped bodies for the upstream double. */
public final class MixPayReplies {

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
