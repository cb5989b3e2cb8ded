package sparsity.analysis.json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for the files the analysis room reads, such as a Hugging
 * Face tokenizer.json; the analysis room may not use Jackson.
 *
 * <p>Objects become {@link LinkedHashMap} (key order kept, a repeated key is an error), arrays
 * {@link List}, strings {@link String}, integers {@link Long} (or {@link Double} when they do not
 * fit), other numbers {@link Double}, {@code true}/{@code false} {@link Boolean} and
 * {@code null} Java {@code null}. Bad input raises {@link JsonException} with the line, column
 * and character offset. Nothing beyond the standard is accepted: no comments, no trailing
 * commas, no leading zeros, no control characters inside strings, no lone surrogate escapes.
 */
public final class Json {

    private final String text;
    private final String source;
    private int pos;
    private int depth;

    private static final int MAX_DEPTH = 512;

    private Json(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses one JSON value; only whitespace may follow it. */
    public static Object parse(String text) {
        return parse(text, "JSON text");
    }

    /** Parses one JSON value; {@code source} names the input in error messages. */
    public static Object parse(String text, String source) {
        Json p = new Json(text, source);
        p.skipWhitespace();
        Object value = p.readValue();
        p.skipWhitespace();
        if (p.pos < text.length()) throw p.error("unexpected '" + p.text.charAt(p.pos) + "' after the JSON value");
        return value;
    }

    /** Reads and parses a UTF-8 file (a leading byte-order mark is skipped). */
    public static Object parse(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw new JsonException(file + ": not valid UTF-8 (" + e.getMessage() + ")");
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        return parse(text, file.toString());
    }

    // ---- typed access, for readers of parsed documents ----

    /** The value as an object, or an error naming {@code what}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value, String what) {
        if (value instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new JsonException(what + " should be a JSON object but is " + describe(value));
    }

    /** The value as an array, or an error naming {@code what}. */
    @SuppressWarnings("unchecked")
    public static List<Object> asList(Object value, String what) {
        if (value instanceof List<?> l) return (List<Object>) l;
        throw new JsonException(what + " should be a JSON array but is " + describe(value));
    }

    /** The value as a string, or an error naming {@code what}. */
    public static String asString(Object value, String what) {
        if (value instanceof String s) return s;
        throw new JsonException(what + " should be a string but is " + describe(value));
    }

    /** The value as an integer, or an error naming {@code what}. */
    public static long asLong(Object value, String what) {
        if (value instanceof Long l) return l;
        throw new JsonException(what + " should be an integer but is " + describe(value));
    }

    /** The value as a boolean, or an error naming {@code what}. */
    public static boolean asBoolean(Object value, String what) {
        if (value instanceof Boolean b) return b;
        throw new JsonException(what + " should be true or false but is " + describe(value));
    }

    /** A short description of a parsed value for error messages. */
    public static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String s -> "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
            case Boolean b -> b.toString();
            default -> "the number " + value;
        };
    }

    // ---- the parser ----

    private Object readValue() {
        if (pos >= text.length()) throw error("unexpected end of input, a value was expected");
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> readObject();
            case '[' -> readArray();
            case '"' -> readString();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield readNumber();
                throw error("unexpected '" + c + "', a value was expected");
            }
        };
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) throw error("invalid literal, '" + word + "' was expected");
        pos += word.length();
        return value;
    }

    private Map<String, Object> readObject() {
        enter();
        pos++; // {
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("an object key (a string in double quotes) was expected");
            int keyPos = pos;
            String key = readString();
            skipWhitespace();
            if (peek() != ':') throw error("':' was expected after an object key");
            pos++;
            skipWhitespace();
            Object value = readValue();
            if (map.containsKey(key)) {
                pos = keyPos;
                throw error("duplicate object key \"" + key + "\"");
            }
            map.put(key, value);
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') break;
            if (c != ',') {
                pos--;
                throw error("',' or '}' was expected in an object");
            }
        }
        depth--;
        return map;
    }

    private List<Object> readArray() {
        enter();
        pos++; // [
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(readValue());
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') break;
            if (c != ',') {
                pos--;
                throw error("',' or ']' was expected in an array");
            }
        }
        depth--;
        return list;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }

    private String readString() {
        int start = ++pos; // after the opening quote
        // fast path: no escapes
        int i = start;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return text.substring(start, i);
            }
            if (c == '\\' || c < 0x20) break;
            i++;
        }
        StringBuilder sb = new StringBuilder(Math.max(16, (i - start) * 2));
        sb.append(text, start, i);
        pos = i;
        while (true) {
            if (pos >= n) throw error("unterminated string");
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) throw error("control character U+" + String.format("%04X", (int) c) + " inside a string (must be escaped)");
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= n) throw error("unterminated escape sequence");
            char e = text.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    char u = readHex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!text.startsWith("\\u", pos)) {
                            throw error("lone high surrogate \\u" + String.format("%04X", (int) u) + " (a \\uDC00-\\uDFFF escape must follow)");
                        }
                        pos += 2;
                        char low = readHex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("high surrogate \\u" + String.format("%04X", (int) u) + " followed by \\u"
                                    + String.format("%04X", (int) low) + ", which is not a low surrogate");
                        }
                        sb.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        pos -= 6;
                        throw error("lone low surrogate \\u" + String.format("%04X", (int) u));
                    } else {
                        sb.append(u);
                    }
                }
                default -> {
                    pos -= 2;
                    throw error("invalid escape '\\" + e + "'");
                }
            }
        }
    }

    private char readHex4() {
        if (pos + 4 > text.length()) throw error("incomplete \\u escape");
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(text.charAt(pos + k), 16);
            if (d < 0) throw error("invalid hex digit '" + text.charAt(pos + k) + "' in a \\u escape");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Object readNumber() {
        int start = pos;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) throw error("leading zeros are not allowed in numbers");
        } else if (isDigit(peek())) {
            while (isDigit(peek())) pos++;
        } else {
            throw error("a digit was expected in a number");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) throw error("a digit was expected after the decimal point");
            while (isDigit(peek())) pos++;
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("a digit was expected in the exponent");
            while (isDigit(peek())) pos++;
        }
        String s = text.substring(start, pos);
        if (integral && pos - start <= 19) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(s);
            }
        }
        return Double.parseDouble(s);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        int n = text.length();
        while (pos < n) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') pos++;
            else break;
        }
    }

    private JsonException error(String message) {
        int p = Math.min(pos, text.length());
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < p; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = p - lineStart + 1;
        return new JsonException(source + ": bad JSON at line " + line + ", column " + column
                + " (character " + p + "): " + message, line, column, p);
    }
}
