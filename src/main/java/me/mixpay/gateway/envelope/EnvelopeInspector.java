package me.mixpay.gateway.envelope;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.catalog.ErrorCatalog;
import me.mixpay.gateway.catalog.ErrorCode;

/**
 * Reads MixPay's reply envelope {@code {code, success, message, data, timestampMs}} from a body.
 * <p>
 * It streams over the top-level object ({@link EnvelopeReader}) and stops as soon as the verdict is
 * known: {@code data} can be large and is never materialised. It never throws: whatever the bytes, the
 * answer is an {@link Inspection}, {@link Category#UNPARSEABLE} when no envelope could be read.
 * <p>
 * Because it stops early, a body whose envelope fields are complete but whose tail is cut still
 * classifies by its code; a body cut before the code is unparseable.
 * <p>
 * It runs once per reply, so the common verdicts cost no allocation: a plain success is one shared
 * {@link Inspection}, and so is a catalog code whose message is MixPay's catalog text byte for byte.
 */
public final class EnvelopeInspector {

    private static final Inspection SUCCESS = new Inspection(Category.SUCCESS, 0L, null);

    private final int maxInspectedBytes;
    /**
     * Catalog codes, sorted, and for each: its category and boxed code, ready to use, and the verdicts for
     * MixPay's own wording of it (a code can be in both tables).
     */
    private final long[] knownCodes;
    private final Category[] knownCategories;
    private final Long[] knownBoxedCodes;
    private final KnownReply[][] knownReplies;

    /** A catalog verdict, ready to return when a reply's message is exactly {@code message}. */
    private record KnownReply(byte[] message, Inspection inspection) {
    }

    public EnvelopeInspector(ErrorCatalog catalog, int maxInspectedBytes) {
        this.maxInspectedBytes = maxInspectedBytes;
        this.knownCodes = catalog.entries().stream().mapToLong(ErrorCode::code).distinct().sorted().toArray();
        this.knownCategories = new Category[knownCodes.length];
        this.knownBoxedCodes = new Long[knownCodes.length];
        this.knownReplies = new KnownReply[knownCodes.length][];
        for (int i = 0; i < knownCodes.length; i++) {
            long code = knownCodes[i];
            Category category = catalog.categorize(code);
            Long boxed = code;
            knownCategories[i] = category;
            knownBoxedCodes[i] = boxed;
            knownReplies[i] = catalog.entries().stream().filter(entry -> entry.code() == code)
                    .map(entry -> new KnownReply(entry.message().getBytes(StandardCharsets.UTF_8),
                            new Inspection(category, boxed, entry.message())))
                    .toArray(KnownReply[]::new);
        }
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
        EnvelopeReader envelope = new EnvelopeReader(body, offset, offset + length);
        return envelope.read() ? verdict(envelope) : Inspection.UNPARSEABLE;
    }

    private Inspection verdict(EnvelopeReader envelope) {
        if ((envelope.hasCode && envelope.code == 0) || envelope.success == 1) {
            return envelope.hasCode && envelope.code == 0 && !envelope.hasMessage() ? SUCCESS
                    : new Inspection(Category.SUCCESS, envelope.hasCode ? envelope.code : null, envelope.message());
        }
        if (envelope.hasCode) {
            return coded(envelope);
        }
        if (envelope.codeUnreadable || envelope.success == 0) {
            // An envelope, but its code is missing or of a shape MixPay does not send.
            return new Inspection(Category.UNKNOWN, null, envelope.message());
        }
        return Inspection.UNPARSEABLE;
    }

    /** The verdict on a failure code: shared when it is a catalog code sent with the catalog's message. */
    private Inspection coded(EnvelopeReader envelope) {
        int index = Arrays.binarySearch(knownCodes, envelope.code);
        if (index < 0) {
            return new Inspection(Category.UNKNOWN, envelope.code, envelope.message());
        }
        for (KnownReply reply : knownReplies[index]) {
            if (envelope.messageIs(reply.message())) {
                return reply.inspection();
            }
        }
        return new Inspection(knownCategories[index], knownBoxedCodes[index], envelope.message());
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
        return switch (encoding.toLowerCase(java.util.Locale.ROOT)) {
            case "gzip", "x-gzip" -> new GZIPInputStream(body);
            case "deflate" -> new InflaterInputStream(body);
            default -> null;
        };
    }
}
