package me.mixpay.gateway.envelope;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.catalog.ErrorCatalog;

/**
 * Reads MixPay's reply envelope {@code {code, success, message, data, timestampMs}} from a body.
 * <p>
 * A Jackson streaming parser walks the top-level object and stops as soon as the verdict is known:
 * {@code data} can be large and is never materialised. Jackson's default limits hold (1,000 levels of
 * nesting, 1,000-digit numbers). It never throws: whatever the bytes, the answer is an
 * {@link Inspection}, {@link Category#UNPARSEABLE} when no envelope could be read.
 * <p>
 * Because it stops early, a body whose envelope fields are complete but whose tail is cut still
 * classifies by its code; a body cut before the code is unparseable.
 */
public final class EnvelopeInspector {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Inspection SUCCESS = new Inspection(Category.SUCCESS, 0L, null);

    private final ErrorCatalog catalog;
    private final int maxInspectedBytes;

    public EnvelopeInspector(ErrorCatalog catalog, int maxInspectedBytes) {
        this.catalog = catalog;
        this.maxInspectedBytes = maxInspectedBytes;
    }

    /**
     * @param body            the reply body as received
     * @param contentEncoding the reply's Content-Encoding, or null
     */
    public Inspection inspect(byte[] body, String contentEncoding) {
        return body == null ? Inspection.UNPARSEABLE : inspect(body, 0, body.length, contentEncoding);
    }

    /** The same, for a body held in {@code length} bytes of {@code body} from {@code offset}, read in place. */
    public Inspection inspect(byte[] body, int offset, int length, String contentEncoding) {
        if (length == 0) {
            return Inspection.UNPARSEABLE;
        }
        if (contentEncoding != null && !contentEncoding.isBlank() && !"identity".equalsIgnoreCase(contentEncoding.trim())) {
            byte[] decoded = decode(body, offset, length, contentEncoding.trim());
            return decoded == null ? Inspection.UNPARSEABLE : inspect(decoded, null);
        }
        if (length > maxInspectedBytes) {
            return Inspection.UNPARSEABLE;
        }
        try (JsonParser parser = JSON.createParser(body, offset, length)) {
            return read(parser);
        } catch (IOException | RuntimeException notAnEnvelope) {
            // Malformed JSON, nesting or numbers past Jackson's limits: all mean "no envelope here".
            return Inspection.UNPARSEABLE;
        }
    }

    private Inspection read(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return Inspection.UNPARSEABLE;
        }
        Long code = null;
        Boolean success = null;
        String message = null;
        boolean codeUnreadable = false;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "code" -> {
                    code = readCode(parser, value);
                    codeUnreadable = code == null && value != JsonToken.VALUE_NULL;
                }
                case "success" -> success = value == JsonToken.VALUE_TRUE ? Boolean.TRUE
                        : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                case "message" -> message = value == JsonToken.VALUE_STRING ? parser.getText() : message;
                default -> {
                }
            }
            parser.skipChildren(); // a container's value is skipped whole, checked but never built
            if (code != null && (code == 0 || message != null)) {
                return verdict(code, success, message, false); // what follows is never looked at
            }
        }
        return token == JsonToken.END_OBJECT ? verdict(code, success, message, codeUnreadable) : Inspection.UNPARSEABLE;
    }

    private Inspection verdict(Long code, Boolean success, String message, boolean codeUnreadable) {
        if ((code != null && code == 0) || Boolean.TRUE.equals(success)) {
            return code != null && code == 0 && message == null ? SUCCESS : new Inspection(Category.SUCCESS, code, message);
        }
        if (code != null) {
            return new Inspection(catalog.categorize(code), code, message);
        }
        if (codeUnreadable || success != null) {
            // An envelope, but its code is missing or of a shape MixPay does not send.
            return new Inspection(Category.UNKNOWN, null, message);
        }
        return Inspection.UNPARSEABLE;
    }

    /** MixPay sends an integer; a numeric string is read too; anything else is no code. */
    private static Long readCode(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : parser.getLongValue();
        }
        if (value == JsonToken.VALUE_STRING) {
            String text = parser.getText().trim();
            return !text.isEmpty() && text.length() <= 11 && text.matches("-?\\d+") ? Long.parseLong(text) : null;
        }
        return null;
    }

    /** Decompresses at most the inspection limit; past it, or on a corrupt stream, null. */
    private byte[] decode(byte[] body, int offset, int length, String encoding) {
        try (InputStream in = decoder(new ByteArrayInputStream(body, offset, length), encoding)) {
            if (in == null) {
                return null;
            }
            byte[] decoded = in.readNBytes(maxInspectedBytes + 1);
            return decoded.length > maxInspectedBytes ? null : decoded;
        } catch (IOException | RuntimeException corrupt) {
            return null;
        }
    }

    private static InputStream decoder(InputStream body, String encoding) throws IOException {
        return switch (encoding.toLowerCase(Locale.ROOT)) {
            case "gzip", "x-gzip" -> new GZIPInputStream(body);
            case "deflate" -> new InflaterInputStream(body);
            default -> null;
        };
    }
}
