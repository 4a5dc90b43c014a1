package me.mixpay.gateway.envelope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes the replies the gateway gives on its own, in MixPay's envelope shape
 * {@code {code, success, message, data, timestampMs}} plus a {@code gateway} object that says what
 * happened, so a merchant can tell a gateway answer from MixPay's.
 */
public final class GatewayEnvelope {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private GatewayEnvelope() {
    }

    /**
     * @param code      the MixPay code to report
     * @param message   the text for {@code message}; MixPay's own wording where there is one
     * @param error     what the gateway did
     * @param detail    one sentence for a human, never containing request data
     * @param requestId the request id, so support can find the log line
     */
    public static byte[] render(long code, String message, GatewayError error, String detail, String requestId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("code", code);
            json.writeBooleanField("success", false);
            json.writeStringField("message", message);
            // MixPay's own error envelopes carry an empty array, and SDKs written against them may
            // iterate or index data without a null check.
            json.writeArrayFieldStart("data");
            json.writeEndArray();
            json.writeNumberField("timestampMs", System.currentTimeMillis());
            json.writeObjectFieldStart("gateway");
            json.writeStringField("error", error.reason());
            json.writeStringField("detail", detail);
            json.writeStringField("requestId", requestId);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }
}
