package sparsity.analysis.input;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small hand-written tokenizer.json files for the components the real files do not use. */
class HandMadeTokenizerTest {

    private static final String VOCAB = "{\"[UNK]\": 0, \"[CLS]\": 1, \"[SEP]\": 2, \"[PAD]\": 3, \"ﬁ\": 4, \"fi\": 5, "
            + "\"##sh\": 6, \"hello\": 7, \"!\": 8, \"!!\": 9, \"x2\": 10, \"tab\": 11}";

    private static String wordPiece(String normalizer, String preTokenizer, String post) {
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [],"
                + " \"normalizer\": " + normalizer + ", \"pre_tokenizer\": " + preTokenizer + ", \"post_processor\": " + post + ","
                + " \"decoder\": null, \"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\","
                + " \"continuing_subword_prefix\": \"##\", \"max_input_chars_per_word\": 100, \"vocab\": " + VOCAB + "}}";
    }

    @Test
    void nfkcLowercaseSequenceWhitespaceAndBertProcessing() {
        Tokenizer t = Tokenizers.fromJsonText(wordPiece(
                "{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFKC\"}, {\"type\": \"Lowercase\"}]}",
                "{\"type\": \"Whitespace\"}",
                "{\"type\": \"BertProcessing\", \"sep\": [\"[SEP]\", 2], \"cls\": [\"[CLS]\", 1]}"), "hand-made");
        // NFKC turns the ligature "ﬁ" into "fi"; Whitespace splits \w+ and runs of other chars
        String text = "HELLO!! ﬁsh x2";
        Encoding e = t.encode(text);
        assertArrayEquals(new String[] {"[CLS]", "hello", "!!", "fi", "##sh", "x2", "[SEP]"}, e.tokens());
        assertArrayEquals(new long[] {1, 7, 9, 5, 6, 10, 2}, e.ids());
        // "fi" and "##sh" come from the one ligature char and "sh"
        assertArrayEquals(new int[] {8, 9}, e.offsets()[3]);
        assertArrayEquals(new int[] {9, 11}, e.offsets()[4]);
        assertEquals(12, t.vocabSize());
        assertEquals("WordPiece, 12 entries, lower-cased", t.description());
        assertEquals("[PAD]", t.padding().padToken(), "the pad token is found by name when the file sets no padding");
        assertEquals(3, t.padding().padId());
    }

    @Test
    void whitespaceSplitAndStripNormalizerWithoutPostProcessor() {
        Tokenizer t = Tokenizers.fromJsonText(wordPiece("{\"type\": \"Strip\", \"strip_left\": true, \"strip_right\": true}",
                "{\"type\": \"WhitespaceSplit\"}", "null"), "hand-made");
        Encoding e = t.encode("  hello\ttab  ");
        assertArrayEquals(new long[] {7, 11}, e.ids());
        assertArrayEquals(new int[][] {{2, 7}, {8, 11}}, e.offsets());
    }

    @Test
    void templateProcessingWithTypeIds() {
        String post = "{\"type\": \"TemplateProcessing\", \"single\": [{\"SpecialToken\": {\"id\": \"[CLS]\", \"type_id\": 1}},"
                + " {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}}, {\"SpecialToken\": {\"id\": \"[SEP]\", \"type_id\": 1}}],"
                + " \"pair\": [], \"special_tokens\": {\"[CLS]\": {\"id\": \"[CLS]\", \"ids\": [1], \"tokens\": [\"[CLS]\"]},"
                + " \"[SEP]\": {\"id\": \"[SEP]\", \"ids\": [2], \"tokens\": [\"[SEP]\"]}}}";
        Tokenizer t = Tokenizers.fromJsonText(wordPiece("null", "{\"type\": \"BertPreTokenizer\"}", post), "hand-made");
        Encoding e = t.encode("hello !");
        assertArrayEquals(new long[] {1, 7, 8, 2}, e.ids());
        assertArrayEquals(new long[] {1, 0, 0, 1}, e.typeIds());
    }

    private static String bpe(String extra) {
        return "{\"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"model\": {\"type\": \"BPE\", \"unk_token\": \"<unk>\","
                + " \"vocab\": {\"<unk>\": 0, \"l\": 1, \"o\": 2, \"w\": 3, \"e\": 4, \"r\": 5, \"lo\": 6, \"low\": 7,"
                + " \"er\": 8, \"lower\": 9}, \"merges\": [\"l o\", \"lo w\", \"e r\"]" + extra + "}}";
    }

    @Test
    void plainBpeWithUnknownCharsFusedAndIgnoreMerges() {
        Tokenizer t = Tokenizers.fromJsonText(bpe(", \"fuse_unk\": true"), "bpe.json");
        Encoding e = t.encode("lower lowzz");
        assertArrayEquals(new String[] {"low", "er", "low", "<unk>"}, e.tokens());
        assertArrayEquals(new long[] {7, 8, 7, 0}, e.ids());
        assertArrayEquals(new int[][] {{0, 3}, {3, 5}, {6, 9}, {9, 11}}, e.offsets());
        assertEquals("BPE, 10 entries, 3 merges", t.description());
        Tokenizer unfused = Tokenizers.fromJsonText(bpe(""), "bpe.json");
        assertArrayEquals(new long[] {7, 0, 0}, unfused.encode("lowzz").ids());
        Tokenizer whole = Tokenizers.fromJsonText(bpe(", \"ignore_merges\": true"), "bpe.json");
        assertArrayEquals(new long[] {9, 7}, whole.encode("lower low").ids());
    }

    @Test
    void unsupportedComponentsAreRefusedByName() {
        UnsupportedTokenizerException e = assertThrows(UnsupportedTokenizerException.class, () -> Tokenizers.fromJsonText(
                "{\"model\": {\"type\": \"Unigram\", \"vocab\": {}}}", "spm.json"));
        assertEquals("spm.json: model type 'Unigram' is not supported (supported: WordPiece, BPE)", e.getMessage());
        UnsupportedTokenizerException p = assertThrows(UnsupportedTokenizerException.class, () -> Tokenizers.fromJsonText(
                wordPiece("null", "{\"type\": \"Metaspace\"}", "null"), "m.json"));
        assertTrue(p.getMessage().contains("pre_tokenizer 'Metaspace' is not supported"), p.getMessage());
    }

    @Test
    void clearErrorsForBrokenFiles() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.fromJsonText("{\"a\": 1}", "x.json"));
        assertEquals("x.json: no \"model\" section: this is not a Hugging Face tokenizer.json", e.getMessage());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> Tokenizers.fromJsonText(
                "{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"<unk>\", \"vocab\": {\"a\": 0}}}", "y.json"));
        assertEquals("y.json: the WordPiece unknown token '<unk>' is not in the vocabulary", w.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Tokenizers.load(Path.of("/no/such/tokenizer.json")));
        assertThrows(sparsity.analysis.json.JsonException.class, () -> Tokenizers.fromJsonText("{\"model\": ", "z.json"));
    }
}
