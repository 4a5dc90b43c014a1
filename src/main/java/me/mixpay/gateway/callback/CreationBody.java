package me.mixpay.gateway.callback;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A creation's body with the gateway's callback URL in place of the merchant's, in the body's own
 * spelling (a form or a JSON object). Every other parameter is left byte for byte as the merchant sent it.
 */
final class CreationBody {

    static final String CALLBACK_URL = "callbackUrl";

    private CreationBody() {
    }

    /** The rewritten body, or null when it is neither a form nor a JSON object (it is then sent as it came). */
    static Buffer withCallbackUrl(Buffer body, String contentType, String url) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.contains("json")) {
            try {
                return new JsonObject(body).put(CALLBACK_URL, url).toBuffer();
            } catch (RuntimeException notAnObject) {
                return null;
            }
        }
        if (!type.isEmpty() && !type.contains("x-www-form-urlencoded")) {
            return null;
        }
        StringBuilder form = new StringBuilder();
        String text = body == null ? "" : body.toString(StandardCharsets.UTF_8);
        for (String pair : text.split("&")) {
            if (pair.isEmpty() || isCallbackUrl(pair)) {
                continue;
            }
            form.append(form.length() == 0 ? "" : "&").append(pair);
        }
        form.append(form.length() == 0 ? "" : "&").append(CALLBACK_URL).append('=').append(URLEncoder.encode(url, StandardCharsets.UTF_8));
        return Buffer.buffer(form.toString());
    }

    private static boolean isCallbackUrl(String pair) {
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        try {
            name = URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        return name.equals(CALLBACK_URL) || name.equals(CALLBACK_URL + "[]");
    }
}
