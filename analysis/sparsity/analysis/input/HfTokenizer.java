package sparsity.analysis.input;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A tokenizer read from a Hugging Face tokenizer.json: added tokens, normalizer,
 * pre-tokenizer, model (WordPiece or BPE), post-processor, truncation and padding, applied in
 * the order of the Hugging Face tokenizers library. Made by {@link Tokenizers#load}.
 */
final class HfTokenizer implements Tokenizer {

    /** What a loaded file holds; shared by the copies that only change truncation or padding. */
    record Parts(String source, AddedTokens added, UnaryOperator<Normalized> normalizer,
                 PreTokenizers.PreTokenizer preTokenizer, TokenModels.Model model, PostProcessor post,
                 String decoder, String description, int vocabSize, Map<Long, String> idToToken,
                 Set<Long> specialIds) {
    }

    private static final char BYTE_SPACE = PreTokenizers.ByteLevel.BYTE_TO_CHAR[' '];

    private final Parts parts;
    private final Truncation truncation;
    private final Padding padding;

    HfTokenizer(Parts parts, Truncation truncation, Padding padding) {
        this.parts = parts;
        this.truncation = truncation;
        this.padding = padding;
    }

    /** Builds the lookup tables shared by every copy. */
    static Parts parts(String source, AddedTokens added, UnaryOperator<Normalized> normalizer,
                       PreTokenizers.PreTokenizer pre, TokenModels.Model model, PostProcessor post,
                       String decoder, String description) {
        Map<Long, String> inverse = new HashMap<>(TokenModels.inverse(model.vocab()));
        long maxId = -1;
        for (long id : model.vocab().values()) maxId = Math.max(maxId, id);
        Set<Long> special = new HashSet<>();
        for (AddedTokens.Added a : added.all) {
            inverse.put(a.id(), a.content());
            maxId = Math.max(maxId, a.id());
            if (a.special()) special.add(a.id());
        }
        for (PostProcessor.Item i : post.template()) {
            if (i.isSequence()) continue;
            for (int k = 0; k < i.ids().length; k++) {
                special.add(i.ids()[k]);
                inverse.putIfAbsent(i.ids()[k], i.tokens()[k]);
                maxId = Math.max(maxId, i.ids()[k]);
            }
        }
        if (maxId >= Integer.MAX_VALUE) throw new IllegalArgumentException(source + ": token id " + maxId + " is too large");
        return new Parts(source, added, normalizer, pre, model, post, decoder, description, (int) (maxId + 1),
                Map.copyOf(inverse), Set.copyOf(special));
    }

    /** A token before special tokens and padding: id, entry, original range, special flag. */
    private record Tok(long id, String value, int start, int end, boolean special) {
    }

    @Override
    public Encoding encode(String text) {
        Encoding e = encodeUnpadded(text);
        if (padding.strategy() == Padding.Strategy.FIXED || padding.multipleOf() > 1) {
            return pad(e, padding.targetLength(e.length()));
        }
        return e;
    }

    @Override
    public BatchEncoding encodeBatch(List<String> texts) {
        List<Encoding> raw = new ArrayList<>(texts.size());
        int longest = 0;
        for (String t : texts) {
            Encoding e = encodeUnpadded(t);
            raw.add(e);
            longest = Math.max(longest, e.length());
        }
        int target = padding.targetLength(longest);
        List<Encoding> padded = new ArrayList<>(raw.size());
        for (Encoding e : raw) padded.add(pad(e, target));
        return new BatchEncoding(texts, padded);
    }

    private List<Tok> tokens(String text) {
        List<Tok> out = new ArrayList<>();
        for (AddedTokens.Segment seg : parts.added().split(text)) {
            if (seg.token() != null) {
                AddedTokens.Added a = seg.token();
                out.add(new Tok(a.id(), a.content(), seg.start(), seg.end(), a.special()));
                continue;
            }
            Normalized n = Normalized.of(text.substring(seg.start(), seg.end()), seg.start());
            n = parts.normalizer().apply(n);
            for (Normalized word : parts.preTokenizer().apply(n)) {
                for (TokenModels.Token t : parts.model().tokenize(word.text)) {
                    int from = t.start();
                    int to = t.end();
                    if (parts.post().trimOffsets()) {
                        // leave byte-level spaces at the ends of a token out of its offsets
                        while (from < to - 1 && word.text.charAt(from) == BYTE_SPACE) from++;
                        while (to - 1 > from && word.text.charAt(to - 1) == BYTE_SPACE) to--;
                    }
                    int s = word.originalStart(from, to);
                    int e = word.originalEnd(from, to);
                    out.add(new Tok(t.id(), t.value(), s, e, false));
                }
            }
        }
        return out;
    }

    private Encoding encodeUnpadded(String text) {
        List<Tok> toks = tokens(text);
        if (truncation.enabled()) {
            int budget = Math.max(0, truncation.maxLength() - parts.post().addedTokens());
            if (toks.size() > budget) {
                toks = truncation.left() ? toks.subList(toks.size() - budget, toks.size()) : toks.subList(0, budget);
            }
        }
        int n = toks.size() + parts.post().addedTokens();
        long[] ids = new long[n];
        long[] mask = new long[n];
        long[] types = new long[n];
        String[] values = new String[n];
        int[][] offsets = new int[n][];
        boolean[] special = new boolean[n];
        int k = 0;
        for (PostProcessor.Item item : parts.post().template()) {
            if (item.isSequence()) {
                for (Tok t : toks) {
                    ids[k] = t.id();
                    types[k] = item.typeId();
                    values[k] = t.value();
                    offsets[k] = new int[] {t.start(), t.end()};
                    special[k] = t.special();
                    mask[k++] = 1;
                }
            } else {
                for (int j = 0; j < item.ids().length; j++) {
                    ids[k] = item.ids()[j];
                    types[k] = item.typeId();
                    values[k] = item.tokens()[j];
                    offsets[k] = new int[] {0, 0};
                    special[k] = true;
                    mask[k++] = 1;
                }
            }
        }
        return new Encoding(ids, mask, types, values, offsets, special);
    }

    private Encoding pad(Encoding e, int target) {
        int n = e.length();
        if (n >= target) return e;
        int pad = target - n;
        int at = padding.left() ? pad : 0; // where the real tokens start
        long[] ids = new long[target];
        long[] mask = new long[target];
        long[] types = new long[target];
        String[] values = new String[target];
        int[][] offsets = new int[target][];
        boolean[] special = new boolean[target];
        Arrays.fill(ids, padding.padId());
        Arrays.fill(types, padding.padTypeId());
        Arrays.fill(values, padding.padToken());
        Arrays.fill(special, true);
        for (int i = 0; i < target; i++) offsets[i] = new int[] {0, 0};
        System.arraycopy(e.ids(), 0, ids, at, n);
        System.arraycopy(e.attentionMask(), 0, mask, at, n);
        System.arraycopy(e.typeIds(), 0, types, at, n);
        System.arraycopy(e.tokens(), 0, values, at, n);
        System.arraycopy(e.offsets(), 0, offsets, at, n);
        System.arraycopy(e.special(), 0, special, at, n);
        return new Encoding(ids, mask, types, values, offsets, special);
    }

    @Override
    public int vocabSize() {
        return parts.vocabSize();
    }

    @Override
    public OptionalLong tokenToId(String token) {
        for (AddedTokens.Added a : parts.added().all) if (a.content().equals(token)) return OptionalLong.of(a.id());
        Long id = parts.model().vocab().get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    @Override
    public String idToToken(long id) {
        return parts.idToToken().get(id);
    }

    @Override
    public String decode(long[] ids) {
        List<String> tokens = new ArrayList<>();
        for (long id : ids) {
            if (parts.specialIds().contains(id)) continue;
            String t = idToToken(id);
            if (t != null) tokens.add(t);
        }
        return switch (parts.decoder()) {
            case "ByteLevel" -> PreTokenizers.ByteLevel.decode(String.join("", tokens));
            case "WordPiece" -> wordPieceDecode(tokens);
            default -> String.join(" ", tokens);
        };
    }

    private static String wordPieceDecode(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) {
            if (t.startsWith("##")) sb.append(t, 2, t.length());
            else {
                if (!sb.isEmpty()) sb.append(' ');
                sb.append(t);
            }
        }
        return sb.toString().replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
    }

    @Override
    public String description() {
        return parts.description();
    }

    @Override
    public Truncation truncation() {
        return truncation;
    }

    @Override
    public Padding padding() {
        return padding;
    }

    @Override
    public Tokenizer withTruncation(Truncation t) {
        return new HfTokenizer(parts, t, padding);
    }

    @Override
    public Tokenizer withPadding(Padding p) {
        return new HfTokenizer(parts, truncation, p);
    }

    @Override
    public String toString() {
        return description() + " (" + parts.source() + ")";
    }
}
