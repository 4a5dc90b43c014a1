package me.mixpay.gateway.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import me.mixpay.gateway.catalog.Category;
import me.mixpay.gateway.catalog.ErrorCatalog;

/**
 * Holds the inspector's hand-written {@link EnvelopeReader} to Jackson: for envelopes of every shape
 * (fields in any order, repeated, escaped names, codes as numbers, strings, floats and nonsense, nested
 * data) and for the same bodies cut short or with a byte changed, inserted or removed, the verdict is the
 * one a Jackson streaming parser reaches with the same early stop. Jackson is the oracle for what is and
 * is not JSON; the reader exists only because Jackson costs 700 bytes per reply.
 */
class EnvelopeReaderOracleTest {

    /*
     * A new factory for every body: Jackson checks the UTF-8 of a field name only when its symbol table
     * first meets it (with canonicalization off it does not check at all and decodes leniently), so a
     * shared factory's verdict on a body would depend on the bodies parsed before it.
     */
    private static final ErrorCatalog CATALOG = ErrorCatalog.mixpay();
    private final EnvelopeInspector inspector = new EnvelopeInspector(CATALOG, 1 << 20);

    @Property
    void agreesWithJacksonOnEnvelopesAndTheirMutations(@ForAll("bodies") byte[] body) {
        assertThat(inspector.inspect(body, null)).as(java.util.HexFormat.of().formatHex(body))
                .isEqualTo(oracle(body));
    }

    @Example
    void agreesWithJacksonAtTheNestingLimit() {
        for (int depth : new int[] { 998, 999, 1000, 1001 }) {
            byte[] body = ("{\"data\":" + "[".repeat(depth) + "]".repeat(depth) + ",\"code\":1017}").getBytes(StandardCharsets.US_ASCII);
            assertThat(inspector.inspect(body, null)).as("data nested %d deep", depth).isEqualTo(oracle(body));
        }
        assertThat(inspector.inspect(("{\"data\":" + "[".repeat(998) + "]".repeat(998) + ",\"code\":1017}")
                .getBytes(StandardCharsets.US_ASCII), null).category()).isEqualTo(Category.CLIENT_ERROR);
    }

    @Example
    void agreesWithJacksonOnTheEdgesOfALong() {
        for (String code : List.of("9223372036854775807", "9223372036854775808", "-9223372036854775808",
                "-9223372036854775809", "99999999999999999999", "-0", "0.0", "1e2", "00", "-", "+1", "1.", ".5")) {
            byte[] body = ("{\"code\":" + code + ",\"message\":\"m\"}").getBytes(StandardCharsets.US_ASCII);
            assertThat(inspector.inspect(body, null)).as(code).isEqualTo(oracle(body));
        }
    }

    @Example
    void aCatalogReplyIsTheSharedVerdictAndAnyOtherMessageIsReadAsSent() {
        String catalogText = CATALOG.lookup(10011).orElseThrow().message();
        Inspection first = inspector.inspect(("{\"code\":10011,\"message\":\"" + catalogText + "\"}").getBytes(StandardCharsets.UTF_8), null);
        Inspection second = inspector.inspect(("{\"code\":10011,\"message\":\"" + catalogText + "\"}").getBytes(StandardCharsets.UTF_8), null);
        assertThat(second).isSameAs(first).isEqualTo(new Inspection(Category.CLIENT_ERROR, 10011L, catalogText));
        assertThat(inspector.inspect("{\"code\":10011,\"message\":\"Ordre introuvable \\u00e9\"}".getBytes(StandardCharsets.UTF_8), null))
                .isEqualTo(new Inspection(Category.CLIENT_ERROR, 10011L, "Ordre introuvable é"));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.randomValue(random -> {
            byte[] body = envelope(random).getBytes(StandardCharsets.UTF_8);
            return random.nextInt(3) == 0 ? body : mutate(body, random);
        });
    }

    // --- the oracle: the inspector's verdict rules over a Jackson streaming parser ---

    private static Inspection oracle(byte[] body) {
        try (JsonParser parser = new JsonFactory().createParser(body)) {
            return read(parser, body);
        } catch (IOException | RuntimeException notJson) {
            return Inspection.UNPARSEABLE;
        }
    }

    private static Inspection read(JsonParser parser, byte[] body) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return Inspection.UNPARSEABLE;
        }
        Long code = null;
        Boolean success = null;
        String message = null;
        boolean codeUnreadable = false;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            if (hasPaddingByte(body, (int) parser.currentTokenLocation().getByteOffset())) {
                return Inspection.UNPARSEABLE;
            }
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "code" -> {
                    code = null;
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        code = parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : parser.getLongValue();
                    } else if (value == JsonToken.VALUE_STRING) {
                        String text = parser.getText().trim();
                        code = !text.isEmpty() && text.length() <= 11 && text.matches("-?\\d+") ? Long.parseLong(text) : null;
                    }
                    parser.skipChildren();
                    codeUnreadable = code == null && value != JsonToken.VALUE_NULL;
                }
                case "success" -> {
                    success = value == JsonToken.VALUE_TRUE ? Boolean.TRUE : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                    parser.skipChildren();
                }
                case "message" -> {
                    if (value == JsonToken.VALUE_STRING) {
                        message = parser.getText();
                    }
                    parser.skipChildren();
                }
                default -> parser.skipChildren();
            }
            if (code != null && (code == 0 || message != null)) {
                return verdict(code, success, message, false);
            }
        }
        return token == JsonToken.END_OBJECT ? verdict(code, success, message, codeUnreadable) : Inspection.UNPARSEABLE;
    }

    /**
     * Whether the name opening at {@code quote} holds a 0xFF byte. Jackson pads the last four-byte chunk of
     * a name with 0xFF when it looks the name up, so {@code "mess\xFFage"} is found as {@code "message"}
     * once that name has been seen, and its invalid UTF-8 goes unnoticed; 0xFF is never UTF-8.
     */
    private static boolean hasPaddingByte(byte[] body, int quote) {
        for (int i = quote + 1; i < body.length && body[i] != '"'; i++) {
            if (body[i] == '\\') {
                i++;
            } else if (body[i] == (byte) 0xFF) {
                return true;
            }
        }
        return false;
    }

    private static Inspection verdict(Long code, Boolean success, String message, boolean codeUnreadable) {
        if ((code != null && code == 0) || Boolean.TRUE.equals(success)) {
            return new Inspection(Category.SUCCESS, code, message);
        }
        if (code != null) {
            return new Inspection(CATALOG.categorize(code), code, message);
        }
        if (codeUnreadable || success != null) {
            return new Inspection(Category.UNKNOWN, null, message);
        }
        return Inspection.UNPARSEABLE;
    }

    // --- generated bodies ---

    private static final String[] NAMES = { "\"code\"", "\"success\"", "\"message\"", "\"data\"", "\"timestampMs\"",
            "\"co\\u0064e\"", "\"m\\u00e9ssage\"", "\"\"", "\"codes\"", "\"CODE\"" };
    private static final String[] CODES = { "0", "-1", "1429", "10008", "10011", "1017", "2000", "-0", "42", "9223372036854775807",
            "9223372036854775808", "123456789012345678901", "1.5", "1e3", "-2.5E-3", "\"1429\"", "\" 10011 \"", "\"abc\"",
            "\"123456789012\"", "\"-7\"", "null", "true", "false", "{\"a\":1}", "[0]", "01", "-", "1.", "+1" };
    private static final String[] CATALOG_MESSAGES = CATALOG.entries().stream().map(e -> e.message()).toArray(String[]::new);

    private static String envelope(Random random) {
        StringBuilder json = new StringBuilder(ws(random)).append('{');
        int fields = random.nextInt(7);
        for (int i = 0; i < fields; i++) {
            if (i > 0) {
                json.append(ws(random)).append(',');
            }
            String name = NAMES[random.nextInt(NAMES.length)];
            json.append(ws(random)).append(name).append(ws(random)).append(':').append(ws(random));
            json.append(switch (name) {
                case "\"code\"", "\"co\\u0064e\"" -> CODES[random.nextInt(CODES.length)];
                case "\"success\"" -> random.nextInt(4) == 0 ? value(random, 0) : random.nextBoolean() ? "true" : "false";
                case "\"message\"" -> random.nextInt(4) == 0 ? value(random, 0)
                        : random.nextBoolean() ? quote(CATALOG_MESSAGES[random.nextInt(CATALOG_MESSAGES.length)]) : string(random);
                default -> value(random, 0);
            });
        }
        return json.append(ws(random)).append('}').append(ws(random)).toString();
    }

    private static String value(Random random, int depth) {
        int kind = random.nextInt(depth < 4 ? 8 : 6);
        return switch (kind) {
            case 0 -> Long.toString(random.nextLong() >> random.nextInt(64));
            case 1 -> random.nextInt(1000) + "." + random.nextInt(1000) + (random.nextBoolean() ? "e-" + random.nextInt(20) : "");
            case 2, 3 -> string(random);
            case 4 -> List.of("true", "false", "null").get(random.nextInt(3));
            case 5 -> CODES[random.nextInt(CODES.length)];
            case 6 -> {
                List<String> members = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    members.add(ws(random) + string(random) + ws(random) + ":" + ws(random) + value(random, depth + 1));
                }
                yield "{" + String.join(",", members) + ws(random) + "}";
            }
            default -> {
                List<String> items = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.add(ws(random) + value(random, depth + 1) + ws(random));
                }
                yield "[" + String.join(",", items) + "]";
            }
        };
    }

    private static final String[] PIECES = { "a", "Z", " ", "0", "é", "中", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\t",
            "\\u00e9", "\\ud83d\\ude00", "\\u0000", "\\q", "\t", "\\u12", "'" };

    private static String string(Random random) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = random.nextInt(8); i > 0; i--) {
            // Mostly valid; now and then an escape or raw character JSON does not allow.
            String piece = PIECES[random.nextInt(PIECES.length)];
            if ((piece.equals("\\q") || piece.equals("\t") || piece.equals("\\u12")) && random.nextInt(4) != 0) {
                piece = "x";
            }
            text.append(piece);
        }
        return text.append('"').toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String ws(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "\n\t ";
            case 2 -> "\r\n";
            default -> "";
        };
    }

    private static final byte[] NOISE = { '"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', '.', 'e', 'x', 't', 'n', ' ',
            0x00, 0x01, (byte) 0x80, (byte) 0xBF, (byte) 0xC3, (byte) 0xE2, (byte) 0xF0, (byte) 0xF8, (byte) 0xFF };

    private static byte[] mutate(byte[] body, Random random) {
        if (body.length == 0) {
            return body;
        }
        int at = random.nextInt(body.length);
        byte noise = NOISE[random.nextInt(NOISE.length)];
        return switch (random.nextInt(4)) {
            case 0 -> java.util.Arrays.copyOf(body, at); // cut short
            case 1 -> { // one byte changed
                byte[] changed = body.clone();
                changed[at] = noise;
                yield changed;
            }
            case 2 -> { // one byte inserted
                byte[] longer = new byte[body.length + 1];
                System.arraycopy(body, 0, longer, 0, at);
                longer[at] = noise;
                System.arraycopy(body, at, longer, at + 1, body.length - at);
                yield longer;
            }
            default -> { // one byte removed
                byte[] shorter = new byte[body.length - 1];
                System.arraycopy(body, 0, shorter, 0, at);
                System.arraycopy(body, at + 1, shorter, at, body.length - at - 1);
                yield shorter;
            }
        };
    }
}
