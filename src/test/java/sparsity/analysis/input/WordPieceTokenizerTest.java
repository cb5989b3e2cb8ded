package sparsity.analysis.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** all-MiniLM-L6-v2's real tokenizer.json (WordPiece, lower-cased BERT vocabulary). */
class WordPieceTokenizerTest {

    static Tokenizer fromFile;
    static Tokenizer minilm;

    @BeforeAll
    static void load(@TempDir Path dir) throws IOException {
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            if (in == null) throw new IllegalStateException("all-minilm-l6-v2-tokenizer.json is not on the test class path");
            Path file = dir.resolve("tokenizer.json");
            Files.copy(in, file);
            fromFile = Tokenizers.load(file);
        }
        minilm = fromFile.withoutPadding();
    }

    private static long[] ids(String text) {
        return minilm.encode(text).ids();
    }

    @Test
    void helloWorldGivesTheKnownIds() {
        Encoding e = minilm.encode("hello world");
        assertArrayEquals(new long[] {101, 7592, 2088, 102}, e.ids());
        assertArrayEquals(new String[] {"[CLS]", "hello", "world", "[SEP]"}, e.tokens());
        assertArrayEquals(new long[] {1, 1, 1, 1}, e.attentionMask());
        assertArrayEquals(new long[] {0, 0, 0, 0}, e.typeIds());
        assertArrayEquals(new int[][] {{0, 0}, {0, 5}, {6, 11}, {0, 0}}, e.offsets());
        assertArrayEquals(new boolean[] {true, false, false, true}, e.special());
        assertEquals("hello world", minilm.decode(e.ids()));
    }

    @Test
    void theFileTruncatesAndPadsTo128() {
        assertEquals(Truncation.of(128), fromFile.truncation());
        assertEquals(Padding.Strategy.FIXED, fromFile.padding().strategy());
        Encoding e = fromFile.encode("Hello World");
        assertEquals(128, e.length());
        assertEquals(4, e.realLength());
        assertArrayEquals(new long[] {101, 7592, 2088, 102, 0, 0}, java.util.Arrays.copyOf(e.ids(), 6));
        assertEquals("[PAD]", e.tokens()[4]);
        assertTrue(e.special()[4]);
        assertEquals(0, e.attentionMask()[127]);
        String longText = "word ".repeat(300);
        Encoding cut = fromFile.encode(longText);
        assertEquals(128, cut.length());
        assertEquals(128, cut.realLength());
        assertEquals(102, cut.ids()[127]);
    }

    @Test
    void punctuationIsSplitAndUnknownCharsBecomeUnk() {
        String text = "Hello, y'all! How are you 😁 ?";
        Encoding e = minilm.encode(text);
        assertArrayEquals(new String[] {"[CLS]", "hello", ",", "y", "'", "all", "!", "how", "are", "you", "[UNK]", "?", "[SEP]"},
                e.tokens());
        assertArrayEquals(new long[] {101, 7592, 1010, 1061, 1005, 2035, 999, 2129, 2024, 2017, 100, 1029, 102}, e.ids());
        // UTF-16 offsets: the emoji is two chars
        assertArrayEquals(new int[][] {{0, 0}, {0, 5}, {5, 6}, {7, 8}, {8, 9}, {9, 12}, {12, 13}, {14, 17}, {18, 21},
                {22, 25}, {26, 28}, {29, 30}, {0, 0}}, e.offsets());
        assertEquals("😁", e.coveredText(text, 10));
    }

    @Test
    void accentsAreStrippedAndOffsetsPointIntoTheOriginal() {
        String text = "Café Zürich naïve RÉSUMÉ";
        Encoding e = minilm.encode(text);
        assertArrayEquals(new long[] {101, 7668, 10204, 15743, 13746, 102}, e.ids());
        assertEquals("Café", e.coveredText(text, 1));
        assertEquals("Zürich", e.coveredText(text, 2));
        assertEquals("RÉSUMÉ", e.coveredText(text, 4));
        // decomposed input (e + combining acute) normalizes the same way
        assertArrayEquals(ids("café"), ids("cafe\u0301"));
        assertArrayEquals(new long[] {101, 2358, 27807, 102}, ids("Straße"));
    }

    @Test
    void chineseCharsAreTokensOfTheirOwn() {
        assertArrayEquals(new long[] {101, 1746, 1799, 1756, 102}, ids("中国人"));
        Encoding e = minilm.encode("a中b");
        assertArrayEquals(new String[] {"[CLS]", "a", "中", "b", "[SEP]"}, e.tokens());
        assertArrayEquals(new int[] {1, 2}, e.offsets()[2]);
    }

    @Test
    void wordsSplitIntoSubwordsWithContinuationPrefix() {
        Encoding e = minilm.encode("unaffable autoencoders");
        assertArrayEquals(new String[] {"[CLS]", "una", "##ffa", "##ble", "auto", "##en", "##code", "##rs", "[SEP]"}, e.tokens());
        assertArrayEquals(new long[] {101, 14477, 20961, 3468, 8285, 2368, 16044, 2869, 102}, e.ids());
        assertArrayEquals(new int[][] {{0, 3}, {3, 6}, {6, 9}}, java.util.Arrays.copyOfRange(e.offsets(), 1, 4));
        assertEquals("unaffable autoencoders", minilm.decode(e.ids()));
    }

    @Test
    void wordsLongerThanTheLimitAreUnknown() {
        assertArrayEquals(new long[] {101, 100, 102}, ids("a".repeat(101)));
        assertFalse(minilm.encode("a".repeat(100)).tokens()[1].equals("[UNK]"));
    }

    @Test
    void controlAndFormatCharsAreDroppedAndWhitespaceSplits() {
        String text = "hello\u0000\twor\u200Bld\n";
        Encoding e = minilm.encode(text);
        assertArrayEquals(new long[] {101, 7592, 2088, 102}, e.ids());
        assertArrayEquals(new int[] {7, 13}, e.offsets()[2]);
        assertArrayEquals(new long[] {101, 102}, ids(""));
        assertArrayEquals(new long[] {101, 102}, ids(" \t\n "));
    }

    @Test
    void specialTokensWrittenInTheTextKeepTheirIds() {
        Encoding e = minilm.encode("[CLS] hello [MASK]");
        assertArrayEquals(new long[] {101, 101, 7592, 103, 102}, e.ids());
        assertArrayEquals(new int[] {12, 18}, e.offsets()[3]);
    }

    @Test
    void truncationKeepsRoomForSpecialTokens() {
        assertArrayEquals(new long[] {101, 7592, 2088, 7592, 102}, minilm.withMaxLength(5).encode("hello world hello world").ids());
        Tokenizer left = minilm.withTruncation(new Truncation(4, true));
        assertArrayEquals(new long[] {101, 7592, 2088, 102}, left.encode("world world hello world").ids());
        assertArrayEquals(new long[] {101, 102}, minilm.withMaxLength(2).encode("hello").ids());
    }

    @Test
    void batchesArePaddedToTheLongestOrAFixedLength() {
        BatchEncoding b = minilm.withBatchLongestPadding().encodeBatch(List.of("hello world", "hello"));
        assertArrayEquals(new long[] {2, 4}, b.shape());
        assertArrayEquals(new long[] {101, 7592, 2088, 102, 101, 7592, 102, 0}, b.flatIds());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 0}, b.flatAttentionMask());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0}, b.flatTypeIds());
        assertEquals(7, b.realTokenCount());
        // no padding configured: a batch is still brought to one length
        assertEquals(4, minilm.encodeBatch(List.of("hello", "hello world")).sequenceLength());
        BatchEncoding fixed = minilm.withPadding(Padding.fixed(6, "[PAD]", 0)).encodeBatch(List.of("hello", "hello world"));
        assertArrayEquals(new long[] {2, 6}, fixed.shape());
        assertEquals(6, minilm.withPadding(Padding.fixed(6, "[PAD]", 0)).encode("hello").length());
        Padding leftPad = new Padding(Padding.Strategy.LONGEST, 0, 0, 0, 0, "[PAD]", true);
        assertArrayEquals(new long[] {0, 101, 7592, 102}, minilm.withPadding(leftPad).encodeBatch(List.of("hello", "hello world"))
                .encodings().get(0).ids());
        Padding multiple = new Padding(Padding.Strategy.LONGEST, 0, 8, 0, 0, "[PAD]", false);
        assertEquals(8, minilm.withPadding(multiple).encodeBatch(List.of("hello")).sequenceLength());
    }

    @Test
    void vocabularyCheckAgainstTheModel() {
        assertEquals(30522, minilm.vocabSize());
        assertEquals(7592, minilm.tokenToId("hello").orElseThrow());
        assertEquals("world", minilm.idToToken(2088));
        assertEquals("[CLS]", minilm.idToToken(101));
        Tokenizers.checkAgainstModel(minilm, 30522);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Tokenizers.checkAgainstModel(minilm, 30000));
        assertTrue(ex.getMessage().startsWith("tokenizer not matching the model's vocabulary"), ex.getMessage());
        assertTrue(ex.getMessage().contains("30000 rows"), ex.getMessage());
        BatchEncoding b = minilm.encodeBatch(List.of("hello world"));
        Tokenizers.checkAgainstModel(b, 30522);
        IllegalArgumentException ex2 = assertThrows(IllegalArgumentException.class, () -> Tokenizers.checkAgainstModel(b, 5000));
        assertTrue(ex2.getMessage().contains("token id 7592 ('hello')"), ex2.getMessage());
    }

    @Test
    void matchesAnIndependentImplementationOnVariedTexts() throws IOException {
        // ids from Transformers.js for src/test/resources/inputs/tokenizer-texts.txt (make-minilm-expected.mjs)
        String tsv;
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream("/inputs/minilm-expected.tsv")) {
            if (in == null) throw new IllegalStateException("minilm-expected.tsv is not on the test class path");
            tsv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Tokenizer t = minilm.withTruncation(Truncation.NONE);
        int n = 0;
        for (String line : tsv.split("\n")) {
            int tab = line.lastIndexOf('\t');
            String text = (String) sparsity.analysis.json.Json.parse(line.substring(0, tab));
            long[] want = java.util.Arrays.stream(line.substring(tab + 1).split(" ")).mapToLong(Long::parseLong).toArray();
            assertArrayEquals(want, t.encode(text).ids(), () -> "ids of \"" + text + "\"");
            n++;
        }
        assertEquals(29, n);
    }

    @Test
    void stripAccentsRemovesEveryNonSpacingMarkAsBertDoes() {
        // BERT drops all Mn chars after NFD (here the virama U+094D) and keeps spacing marks (Mc);
        // Transformers.js drops only U+0300-U+036F and gives [UNK] for this word instead
        Encoding e = minilm.encode("हिन्दी");
        assertArrayEquals(new String[] {"[CLS]", "ह", "##ि", "##न", "##द", "##ी", "[SEP]"}, e.tokens());
        assertArrayEquals(new long[] {101, 1339, 29877, 29863, 29861, 29878, 102}, e.ids());
    }

    @Test
    void describesItself() {
        assertEquals("WordPiece, 30522 entries, lower-cased", minilm.description());
    }

    @Test
    void readsTheSampleCorpusWithoutUnknownWordsForPlainEnglish() {
        String text = new String("The model reads sentences, one per line.".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        Encoding e = minilm.encode(text);
        for (String t : e.tokens()) assertFalse(t.equals("[UNK]"), e.toString());
        assertEquals("the model reads sentences, one per line.", minilm.decode(e.ids()));
    }
}
