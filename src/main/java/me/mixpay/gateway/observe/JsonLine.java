package me.mixpay.gateway.observe;

/**
 * One flat JSON object, written field by field into a string: the access log's line. It writes what
 * Jackson's generator wrote for the same fields, character for character (held to it by
 * {@code JsonLineTest}), without a generator, a {@code StringWriter} and its synchronized buffer, or a
 * double's formatting per line: rendering was half of the access log's CPU in the benchmark profile.
 */
final class JsonLine {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final StringBuilder out = new StringBuilder(320).append('{');

    JsonLine string(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            quoted(value);
        }
        return this;
    }

    JsonLine number(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    /** A duration in milliseconds, rounded to a tenth, written as {@code Double.toString} writes it. */
    JsonLine tenths(String name, double millis) {
        name(name);
        long tenths = Math.round(millis * 10);
        if (tenths >= 0 && tenths < 100_000_000L) {
            // Below 10^7 a tenth's shortest decimal is its digits with one after the point: 12.3, 5.0.
            out.append(tenths / 10).append('.').append(tenths % 10);
        } else {
            out.append(tenths / 10.0);
        }
        return this;
    }

    JsonLine bool(String name, boolean value) {
        name(name);
        out.append(value);
        return this;
    }

    String end() {
        return out.append('}').toString();
    }

    private void name(String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        quoted(name);
        out.append(':');
    }

    /** JSON's escapes as Jackson applies them by default: quote, backslash and control characters only. */
    private void quoted(String value) {
        out.append('"');
        int first = 0;
        while (first < value.length() && !needsEscape(value.charAt(first))) {
            first++;
        }
        if (first == value.length()) {
            // The usual case, appended whole: a range of a string is appended a character at a time.
            out.append(value).append('"');
            return;
        }
        int plainFrom = 0;
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!needsEscape(c)) {
                continue;
            }
            out.append(value, plainFrom, i);
            plainFrom = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        out.append(value, plainFrom, value.length()).append('"');
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '"' || c == '\\';
    }
}
