package me.mixpay.gateway.callback;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

/**
 * A creation's body with the gateway's callback URL in place of the merchant's, in the body's own
 * spelling (a form or a JSON object). Every other parameter is left byte for byte as the merchant sent it.
 */
final class CreationBody {

    static final String CALLBACK_URL = "callbackUrl";
    private static final JsonFactory JSON = new JsonFactory();

    private CreationBody() {
    }

    /** The rewritten body, or null when it is neither a form nor a JSON object (it is then sent as it came). */
    static Buffer withCallbackUrl(Buffer body, String contentType, String url) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.contains("json")) {
            return jsonWithCallbackUrl(body == null ? "" : body.toString(StandardCharsets.UTF_8), url);
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

    /**
     * The object's members as the merchant wrote them, less any {@code callbackUrl}, then the gateway's.
     * Spliced from the text rather than parsed and encoded again: a JSON number such as {@code 10.00} or an
     * amount with more digits than a double holds reaches MixPay as it was written, not as {@code 10.0}.
     * Null when the body is not one JSON object.
     */
    private static Buffer jsonWithCallbackUrl(String text, String url) {
        StringBuilder json = new StringBuilder("{");
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            // Each member runs from its name to the next member's name, less the comma and blanks between.
            int start = -1;
            boolean keep = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                int next = (int) parser.currentTokenLocation().getCharOffset();
                append(json, text, start, next, keep);
                start = next;
                keep = !CALLBACK_URL.equals(parser.currentName());
                parser.nextToken();
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT) {
                return null;
            }
            append(json, text, start, (int) parser.currentTokenLocation().getCharOffset(), keep);
            if (parser.nextToken() != null) {
                return null;
            }
        } catch (IOException | RuntimeException notAnObject) {
            return null;
        }
        json.append(json.length() > 1 ? "," : "").append('"').append(CALLBACK_URL).append("\":").append(Json.encode(url)).append('}');
        return Buffer.buffer(json.toString());
    }

    private static void append(StringBuilder json, String text, int from, int to, boolean keep) {
        if (from < 0 || !keep) {
            return;
        }
        String member = text.substring(from, to).strip();
        if (member.endsWith(",")) {
            member = member.substring(0, member.length() - 1).strip();
        }
        json.append(json.length() > 1 ? "," : "").append(member);
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
