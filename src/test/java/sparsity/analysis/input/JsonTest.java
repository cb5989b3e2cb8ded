package sparsity.analysis.input;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sparsity.analysis.json.Json;
import sparsity.analysis.json.JsonException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The analysis room's own JSON reader (sparsity.analysis.json.Json). */
class JsonTest {

    @Test
    void readsEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, -0, 0.25E-2], \"b\": {\"c\": true, \"d\": false, \"e\": null},"
                + " \"big\": 12345678901234567890, \"s\": \"x\"}\n");
        Map<String, Object> o = Json.asObject(v, "root");
        assertEquals(List.of("a", "b", "big", "s"), List.copyOf(o.keySet()));
        assertEquals(List.of(1L, -2L, 3.5, 1000.0, 0L, 0.0025), o.get("a"));
        Map<String, Object> b = Json.asObject(o.get("b"), "b");
        assertEquals(true, b.get("c"));
        assertEquals(false, b.get("d"));
        assertTrue(b.containsKey("e"));
        assertNull(b.get("e"));
        assertInstanceOf(Double.class, o.get("big"));
        assertEquals(List.of(), Json.parse("[]"));
        assertEquals(Map.of(), Json.parse("{ }"));
    }

    @Test
    void readsAllEscapesAndSurrogatePairs() {
        assertEquals("\"\\/\b\f\n\r\tAé😀", Json.parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\uD83D\\uDE00\""));
        assertEquals("Ġworld", Json.parse("\"\\u0120world\""));
        assertEquals("日本 😀", Json.parse("\"日本 😀\""), "raw UTF-16 text passes through");
    }

    @Test
    void badJsonIsReportedWithItsPosition() {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse("{\n  \"a\": [1, 2,]\n}", "t.json"));
        assertEquals("t.json: bad JSON at line 2, column 14 (character 15): unexpected ']', a value was expected", e.getMessage());
        assertEquals(2, e.line());
        assertEquals(14, e.column());
        assertMessage("{\"a\" 1}", "':' was expected after an object key");
        assertMessage("{\"a\": 1,}", "an object key (a string in double quotes) was expected");
        assertMessage("[01]", "leading zeros are not allowed");
        assertMessage("[1.]", "a digit was expected after the decimal point");
        assertMessage("\"abc", "unterminated string");
        assertMessage("\"a\tb\"", "control character U+0009 inside a string");
        assertMessage("\"\\x\"", "invalid escape '\\x'");
        assertMessage("\"\\uD83D\"", "lone high surrogate");
        assertMessage("\"\\uDE00\"", "lone low surrogate");
        assertMessage("\"\\u12G4\"", "invalid hex digit 'G'");
        assertMessage("{\"a\":1,\"a\":2}", "duplicate object key \"a\"");
        assertMessage("[1] [2]", "after the JSON value");
        assertMessage("tru", "invalid literal, 'true' was expected");
        assertMessage("// comment\n1", "unexpected '/'");
        assertMessage("", "unexpected end of input");
        assertMessage("[".repeat(600), "nesting deeper than 512 levels");
    }

    private static void assertMessage(String json, String part) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(json));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void readsFilesAndRefusesBadUtf8(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.json");
        Files.write(good, ("\uFEFF{\"k\": \"é\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("k", "é"), Json.parse(good));
        Path bad = dir.resolve("bad.json");
        Files.write(bad, new byte[] {'"', (byte) 0xC3, '"'});
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(bad));
        assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    void typedAccessNamesWhatWasExpected() {
        JsonException e = assertThrows(JsonException.class, () -> Json.asObject(List.of(), "model"));
        assertEquals("model should be a JSON object but is an array", e.getMessage());
        assertEquals("x should be an integer but is the string \"7\"", assertThrows(JsonException.class,
                () -> Json.asLong("7", "x")).getMessage());
    }

    @Test
    void parsesSeveralMegabytesQuickly() {
        StringBuilder sb = new StringBuilder("{\"vocab\": {");
        for (int i = 0; i < 200_000; i++) {
            if (i > 0) sb.append(", ");
            sb.append("\"tok\\u0120").append(i).append("\": ").append(i);
        }
        sb.append("}, \"merges\": [");
        for (int i = 0; i < 100_000; i++) sb.append(i > 0 ? ", " : "").append("\"a").append(i).append(" b\"");
        sb.append("]}");
        assertTrue(sb.length() > 5_000_000);
        long t0 = System.nanoTime();
        Map<String, Object> o = Json.asObject(Json.parse(sb.toString()), "root");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200_000, Json.asObject(o.get("vocab"), "vocab").size());
        assertEquals(199_999L, Json.asObject(o.get("vocab"), "vocab").get("tokĠ199999"));
        assertTrue(ms < 10_000, "parsing 5 MB took " + ms + " ms");
    }
}
