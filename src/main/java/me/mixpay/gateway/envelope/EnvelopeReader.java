package me.mixpay.gateway.envelope;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads {@code code}, {@code success} and {@code message} from the top level of a JSON object, straight
 * from the reply's bytes, and stops as soon as it has what the verdict needs.
 * <p>
 * Why not Jackson, which the inspector used before: a Jackson parser is a graph of about 700 bytes
 * (parser, I/O context, symbol table child, read contexts) built for every reply, three times the
 * benchmark's budget, and none of it is reusable. This reader allocates nothing but itself, and the
 * message string when there is one to report. DSL-JSON, whose reader is reusable, was tried and
 * rejected: its recursive skip overflows the stack on the deeply nested bodies the fuzz tests send.
 * <p>
 * It is a reader for one shape, not a JSON parser: values other than the three fields are skipped,
 * never materialised. It still checks everything it passes over with the rules and limits Jackson applies
 * by default (RFC 8259 syntax, no comments or trailing commas, at most 1,000 levels of nesting and
 * 1,000-digit numbers, well-formed UTF-8 lead and continuation bytes), so a body is unparseable here
 * exactly when it was for Jackson. {@code EnvelopeReaderOracleTest} holds it to that against Jackson.
 * Nesting is tracked in a bit stack, not by recursion, so depth costs no stack.
 */
final class EnvelopeReader {

    /** Jackson's default {@code StreamReadConstraints}. */
    static final int MAX_DEPTH = 1000;
    static final int MAX_NUMBER_LENGTH = 1000;
    static final int MAX_NAME_LENGTH = 50_000;

    private static final int OTHER = 0;
    private static final int CODE = 1;
    private static final int SUCCESS = 2;
    private static final int MESSAGE = 3;
    private static final byte[] CODE_NAME = { 'c', 'o', 'd', 'e' };
    private static final byte[] SUCCESS_NAME = { 's', 'u', 'c', 'c', 'e', 's', 's' };
    private static final byte[] MESSAGE_NAME = { 'm', 'e', 's', 's', 'a', 'g', 'e' };

    /** Thrown where the bytes stop being JSON; one shared instance, since only its type matters. */
    private static final class Malformed extends Exception {
        Malformed() {
            super("not a JSON object", null, false, false);
        }
    }

    private static final Malformed MALFORMED = new Malformed();

    private final byte[] in;
    private final int end;
    private int pos;

    /** The envelope's fields as read so far. */
    boolean hasCode;
    long code;
    boolean codeUnreadable;
    /** -1 absent or not a boolean, 0 false, 1 true. */
    int success = -1;
    private int messageStart = -1;
    private int messageEnd;

    EnvelopeReader(byte[] in, int from, int to) {
        this.in = in;
        this.pos = from;
        this.end = to;
    }

    /** Reads up to the verdict; false when the bytes are not a JSON object that far. */
    boolean read() {
        try {
            readObject();
            return true;
        } catch (Malformed notJson) {
            return false;
        }
    }

    boolean hasMessage() {
        return messageStart >= 0;
    }

    /**
     * The message, decoded; only called once the verdict needs it. Only static code runs here, so the
     * JIT can still keep this reader off the heap (a reply whose message is read costs its string only).
     */
    String message() {
        return messageStart < 0 ? null : decodeString(in, messageStart, messageEnd);
    }

    /** Whether the message's bytes are exactly {@code utf8}, so a known message can be reused as is. */
    boolean messageIs(byte[] utf8) {
        return messageStart >= 0 && Arrays.equals(in, messageStart, messageEnd, utf8, 0, utf8.length);
    }

    private void readObject() throws Malformed {
        if (end - pos >= 3 && in[pos] == (byte) 0xEF && in[pos + 1] == (byte) 0xBB && in[pos + 2] == (byte) 0xBF) {
            pos += 3; // a UTF-8 byte order mark, which Jackson skips too
        }
        if (next() != '{') {
            throw MALFORMED;
        }
        int c = next();
        if (c == '}') {
            return;
        }
        while (true) {
            if (c != '"') {
                throw MALFORMED;
            }
            int field = fieldName();
            if (next() != ':') {
                throw MALFORMED;
            }
            switch (field) {
                case CODE -> readCode();
                case SUCCESS -> readSuccess();
                case MESSAGE -> readMessage();
                default -> skipValue(next());
            }
            if (hasCode && (code == 0 || messageStart >= 0)) {
                return; // the verdict is known: what follows is never looked at
            }
            c = next();
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw MALFORMED;
            }
            c = next();
        }
    }

    /** The field whose name starts after the opening quote at {@code pos - 1}; leaves {@code pos} past the closing quote. */
    private int fieldName() throws Malformed {
        int start = pos;
        boolean plain = skipName();
        int stop = pos - 1;
        if (plain) {
            return is(start, stop, CODE_NAME) ? CODE : is(start, stop, SUCCESS_NAME) ? SUCCESS
                    : is(start, stop, MESSAGE_NAME) ? MESSAGE : OTHER;
        }
        // Escaped names ("co\u0064e") are legal JSON and mean what they decode to; rare enough to allocate.
        return switch (decodeString(in, start, stop)) {
            case "code" -> CODE;
            case "success" -> SUCCESS;
            case "message" -> MESSAGE;
            default -> OTHER;
        };
    }

    private boolean is(int start, int stop, byte[] name) {
        return Arrays.equals(in, start, stop, name, 0, name.length);
    }

    /** MixPay sends an integer; a numeric string is read too; anything else is a code that cannot be read. */
    private void readCode() throws Malformed {
        int c = next();
        hasCode = false;
        codeUnreadable = false;
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = pos - 1;
            if (skipNumber(c)) {
                codeUnreadable = !parseLong(start, pos);
            } else {
                codeUnreadable = true; // a fraction or exponent
            }
        } else if (c == '"') {
            int start = pos;
            skipStringBody(false);
            String text = decodeString(in, start, pos - 1).trim();
            if (!text.isEmpty() && text.length() <= 11 && text.matches("-?\\d+")) {
                code = Long.parseLong(text);
                hasCode = true;
            } else {
                codeUnreadable = true;
            }
        } else {
            skipValue(c);
            codeUnreadable = c != 'n';
        }
    }

    /** The digits in [start, stop) as the code; false past the range of a long, as Jackson's BIG_INTEGER. */
    private boolean parseLong(int start, int stop) {
        boolean negative = in[start] == '-';
        long value = 0;
        for (int i = negative ? start + 1 : start; i < stop; i++) {
            int digit = in[i] - '0';
            // Accumulated negatively, as Long.parseLong does: the negative range is one larger.
            if (value < Long.MIN_VALUE / 10 || value * 10 < Long.MIN_VALUE + digit) {
                return false;
            }
            value = value * 10 - digit;
        }
        if (!negative && value == Long.MIN_VALUE) {
            return false;
        }
        code = negative ? value : -value;
        hasCode = true;
        return true;
    }

    private void readSuccess() throws Malformed {
        int c = next();
        skipValue(c);
        success = c == 't' ? 1 : c == 'f' ? 0 : -1;
    }

    private void readMessage() throws Malformed {
        int c = next();
        if (c != '"') {
            skipValue(c); // not a string: an earlier message, if any, stands
            return;
        }
        int start = pos;
        skipStringBody(false);
        messageStart = start;
        messageEnd = pos - 1;
    }

    /**
     * Skips one value whose first byte {@code first} was just read, nested containers included, keeping
     * the kind of each open container in a bit stack: 1 for an object, 0 for an array.
     */
    private void skipValue(int first) throws Malformed {
        if (first != '{' && first != '[') {
            skipScalar(first);
            return;
        }
        long shallow = 0; // the first 64 levels
        long[] deep = null; // allocated only past them
        int depth = 1; // the envelope itself
        int c = first;
        while (true) {
            // c opens a container, or is a scalar's first byte
            if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw MALFORMED;
                }
                boolean object = c == '{';
                int level = depth - 2;
                if (level < 64) {
                    shallow = object ? shallow | (1L << level) : shallow & ~(1L << level);
                } else {
                    if (deep == null) {
                        deep = new long[(MAX_DEPTH + 63) / 64];
                    }
                    long bit = 1L << (level & 63);
                    deep[level >> 6] = object ? deep[level >> 6] | bit : deep[level >> 6] & ~bit;
                }
                c = next();
                if (c == (object ? '}' : ']')) {
                    depth--; // empty container: fall through to what follows it
                } else {
                    if (object) {
                        c = memberValue(c);
                    }
                    continue;
                }
            } else {
                skipScalar(c);
            }
            // a value just ended inside the container at the top of the stack
            while (true) {
                if (depth == 1) {
                    return;
                }
                int level = depth - 2;
                boolean object = level < 64 ? (shallow & (1L << level)) != 0 : (deep[level >> 6] & (1L << (level & 63))) != 0;
                c = next();
                if (c == ',') {
                    c = next();
                    if (object) {
                        c = memberValue(c);
                    }
                    break;
                }
                if (c != (object ? '}' : ']')) {
                    throw MALFORMED;
                }
                depth--;
            }
        }
    }

    /** Reads a member's name and colon, given the byte that should open the name; returns the value's first byte. */
    private int memberValue(int c) throws Malformed {
        if (c != '"') {
            throw MALFORMED;
        }
        skipName();
        if (next() != ':') {
            throw MALFORMED;
        }
        return next();
    }

    /** Skips a member name, the opening quote already read, within Jackson's name length; true when plain. */
    private boolean skipName() throws Malformed {
        int start = pos;
        boolean plain = skipStringBody(true);
        if (pos - 1 - start > MAX_NAME_LENGTH) {
            throw MALFORMED;
        }
        return plain;
    }

    private void skipScalar(int c) throws Malformed {
        switch (c) {
            case '"' -> skipStringBody(false);
            case 't' -> literal("rue");
            case 'f' -> literal("alse");
            case 'n' -> literal("ull");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    skipNumber(c);
                } else {
                    throw MALFORMED;
                }
            }
        }
    }

    private void literal(String rest) throws Malformed {
        if (end - pos < rest.length()) {
            throw MALFORMED;
        }
        for (int i = 0; i < rest.length(); i++) {
            if (in[pos + i] != rest.charAt(i)) {
                throw MALFORMED;
            }
        }
        pos += rest.length();
    }

    /**
     * Skips a number whose first byte {@code first} was just read; true when it is an integer (no fraction
     * or exponent). The grammar is RFC 8259's: no leading zeros, no bare sign or point, no plus.
     */
    private boolean skipNumber(int first) throws Malformed {
        int digits = 0;
        int c = first;
        if (c == '-') {
            c = pos < end ? in[pos++] : -1;
        }
        if (c == '0') {
            digits = 1;
            if (pos < end && in[pos] >= '0' && in[pos] <= '9') {
                throw MALFORMED; // leading zero
            }
        } else if (c >= '1' && c <= '9') {
            digits = 1 + digits();
        } else {
            throw MALFORMED;
        }
        boolean integer = true;
        int length = digits;
        if (pos < end && in[pos] == '.') {
            pos++;
            length += requiredDigits();
            integer = false;
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            length += requiredDigits();
            integer = false;
        }
        if (length > MAX_NUMBER_LENGTH) {
            throw MALFORMED;
        }
        return integer;
    }

    /** A fraction's or an exponent's digits: there must be one at least. */
    private int requiredDigits() throws Malformed {
        int count = digits();
        if (count == 0) {
            throw MALFORMED;
        }
        return count;
    }

    private int digits() {
        int start = pos;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos - start;
    }

    /**
     * Skips a string's body, the opening quote already read, checking escapes and UTF-8; leaves {@code pos}
     * past the closing quote. True when the body is plain ASCII with no escapes. In a name, as in
     * Jackson's, an escaped surrogate must be half of an escaped pair.
     */
    private boolean skipStringBody(boolean name) throws Malformed {
        boolean plain = true;
        while (true) {
            if (pos >= end) {
                throw MALFORMED;
            }
            int b = in[pos++] & 0xFF;
            if (b == '"') {
                return plain;
            }
            if (b == '\\') {
                plain = false;
                char escaped = escape();
                if (name && Character.isSurrogate(escaped)) {
                    boolean paired = Character.isHighSurrogate(escaped) && end - pos >= 2 && in[pos] == '\\' && in[pos + 1] == 'u';
                    if (!paired) {
                        throw MALFORMED;
                    }
                    pos++;
                    if (!Character.isLowSurrogate(escape())) {
                        throw MALFORMED;
                    }
                }
            } else if (b < 0x20) {
                throw MALFORMED; // raw control character
            } else if (b >= 0x80) {
                plain = false;
                continuation(utf8Length(b) - 1);
            }
        }
    }

    /** The escape after a backslash; returns the char it stands for. */
    private char escape() throws Malformed {
        if (pos >= end) {
            throw MALFORMED;
        }
        int c = in[pos++];
        return switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> {
                if (end - pos < 4) {
                    throw MALFORMED;
                }
                int value = 0;
                for (int i = 0; i < 4; i++) {
                    int hex = Character.digit(in[pos++], 16);
                    if (hex < 0) {
                        throw MALFORMED;
                    }
                    value = (value << 4) | hex;
                }
                yield (char) value;
            }
            default -> throw MALFORMED;
        };
    }

    /** Bytes in the UTF-8 sequence that lead byte {@code b} (0x80 or above) opens, as Jackson classifies them. */
    private static int utf8Length(int b) throws Malformed {
        if ((b & 0xE0) == 0xC0) {
            return 2;
        }
        if ((b & 0xF0) == 0xE0) {
            return 3;
        }
        if ((b & 0xF8) == 0xF0) {
            return 4;
        }
        throw MALFORMED; // a continuation byte, or 0xF8 and above, cannot lead
    }

    private void continuation(int count) throws Malformed {
        if (end - pos < count) {
            throw MALFORMED;
        }
        for (int i = 0; i < count; i++) {
            if ((in[pos++] & 0xC0) != 0x80) {
                throw MALFORMED;
            }
        }
    }

    /** Decodes a string body already checked by {@link #skipStringBody(boolean)}, as Jackson decodes it. */
    private static String decodeString(byte[] in, int start, int stop) {
        for (int i = start; i < stop; i++) {
            if (in[i] < 0x20 || in[i] == '\\') { // an escape, or a byte of a multi-byte character
                return new EnvelopeReader(in, start, stop).decodeEscapedString();
            }
        }
        return new String(in, start, stop - start, StandardCharsets.ISO_8859_1);
    }

    private String decodeEscapedString() {
        StringBuilder text = new StringBuilder(end - pos);
        try {
            while (pos < end) {
                int b = in[pos++] & 0xFF;
                if (b == '\\') {
                    text.append(escape());
                } else if (b < 0x80) {
                    text.append((char) b);
                } else {
                    int length = utf8Length(b);
                    int value = b & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
                    for (int i = 1; i < length; i++) {
                        value = (value << 6) | (in[pos++] & 0x3F);
                    }
                    if (length == 4) {
                        value -= 0x10000;
                        text.append((char) (0xD800 | (value >> 10))).append((char) (0xDC00 | (value & 0x3FF)));
                    } else {
                        text.append((char) value);
                    }
                }
            }
        } catch (Malformed cannotHappen) {
            throw new IllegalStateException("the message was checked when it was read", cannotHappen);
        }
        return text.toString();
    }

    /** The next byte that is not JSON whitespace, or -1 at the end; other control characters are malformed. */
    private int next() throws Malformed {
        while (pos < end) {
            int b = in[pos++] & 0xFF;
            if (b > ' ') {
                return b;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                throw MALFORMED;
            }
        }
        return -1;
    }
}
