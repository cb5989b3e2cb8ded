package sparsity.analysis.input;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static sparsity.analysis.json.Json.asList;
import static sparsity.analysis.json.Json.asLong;
import static sparsity.analysis.json.Json.asObject;
import static sparsity.analysis.json.Json.asString;

/** The "model" section of a tokenizer.json: WordPiece or BPE over one pre-tokenized word. */
final class TokenModels {

    private TokenModels() {
    }

    /** One token of a word; start and end are chars of the word. */
    record Token(long id, String value, int start, int end) {
    }

    /** A vocabulary model. */
    interface Model {
        List<Token> tokenize(String word);

        Map<String, Long> vocab();

        String kind();
    }

    static Model fromJson(Object json) {
        Map<String, Object> o = asObject(json, "model");
        Object typeValue = o.get("type");
        String type = typeValue != null ? asString(typeValue, "model.type")
                : o.containsKey("merges") ? "BPE" : o.containsKey("continuing_subword_prefix") ? "WordPiece" : "?";
        Map<String, Long> vocab = readVocab(o.get("vocab"));
        return switch (type) {
            case "WordPiece" -> new WordPiece(vocab, stringOr(o, "unk_token", "[UNK]"),
                    stringOr(o, "continuing_subword_prefix", "##"),
                    o.get("max_input_chars_per_word") == null ? 100 : (int) asLong(o.get("max_input_chars_per_word"), "max_input_chars_per_word"));
            case "BPE" -> new Bpe(vocab, readMerges(o.get("merges")), o.get("unk_token") == null ? null : asString(o.get("unk_token"), "unk_token"),
                    stringOr(o, "continuing_subword_prefix", ""), stringOr(o, "end_of_word_suffix", ""),
                    Boolean.TRUE.equals(o.get("fuse_unk")), Boolean.TRUE.equals(o.get("byte_fallback")), o.get("dropout"),
                    Boolean.TRUE.equals(o.get("ignore_merges")));
            default -> throw new UnsupportedTokenizerException("model type '" + type
                    + "' is not supported (supported: WordPiece, BPE)");
        };
    }

    private static String stringOr(Map<String, Object> o, String key, String dflt) {
        Object v = o.get(key);
        return v == null ? dflt : asString(v, "model." + key);
    }

    private static Map<String, Long> readVocab(Object json) {
        Map<String, Object> v = asObject(json, "model.vocab");
        Map<String, Long> out = new HashMap<>(v.size() * 2);
        for (var e : v.entrySet()) out.put(e.getKey(), asLong(e.getValue(), "model.vocab[\"" + e.getKey() + "\"]"));
        return out;
    }

    /** Merges as "a b" strings (older files) or [a, b] pairs (newer files), in rank order. */
    private static List<String[]> readMerges(Object json) {
        List<Object> list = asList(json, "model.merges");
        List<String[]> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object m = list.get(i);
            if (m instanceof String s) {
                int sp = s.indexOf(' ', 1);
                if (sp < 0 || s.indexOf(' ', sp + 1) >= 0) {
                    throw new IllegalArgumentException("model.merges[" + i + "] \"" + s + "\" is not two tokens separated by a space");
                }
                out.add(new String[] {s.substring(0, sp), s.substring(sp + 1)});
            } else {
                List<Object> pair = asList(m, "model.merges[" + i + "]");
                if (pair.size() != 2) throw new IllegalArgumentException("model.merges[" + i + "] has " + pair.size() + " parts, 2 expected");
                out.add(new String[] {asString(pair.get(0), "merge"), asString(pair.get(1), "merge")});
            }
        }
        return out;
    }

    /** BERT's WordPiece: greedy longest match, continuation pieces prefixed with "##". */
    static final class WordPiece implements Model {
        private final Map<String, Long> vocab;
        private final String unk;
        private final long unkId;
        private final String prefix;
        private final int maxChars;

        WordPiece(Map<String, Long> vocab, String unk, String prefix, int maxChars) {
            this.vocab = vocab;
            this.unk = unk;
            Long id = vocab.get(unk);
            if (id == null) throw new IllegalArgumentException("the WordPiece unknown token '" + unk + "' is not in the vocabulary");
            this.unkId = id;
            this.prefix = prefix;
            this.maxChars = maxChars;
        }

        @Override
        public List<Token> tokenize(String word) {
            if (word.codePointCount(0, word.length()) > maxChars) return List.of(new Token(unkId, unk, 0, word.length()));
            List<Token> out = new ArrayList<>();
            int start = 0;
            while (start < word.length()) {
                int end = word.length();
                Token found = null;
                while (end > start) {
                    String sub = word.substring(start, end);
                    if (start > 0) sub = prefix + sub;
                    Long id = vocab.get(sub);
                    if (id != null) {
                        found = new Token(id, sub, start, end);
                        break;
                    }
                    end = end - 1;
                    if (end > start && Character.isLowSurrogate(word.charAt(end))) end--;
                }
                if (found == null) return List.of(new Token(unkId, unk, 0, word.length()));
                out.add(found);
                start = found.end();
            }
            return out;
        }

        @Override
        public Map<String, Long> vocab() {
            return vocab;
        }

        @Override
        public String kind() {
            return "WordPiece";
        }
    }

    /**
     * Byte-pair encoding: start from single chars and apply the lowest-ranked merge present,
     * everywhere in the word, until none applies (GPT-2's algorithm). Symbols are vocabulary
     * ids; a merge table maps a pair of ids to its rank and the id of the merged token.
     */
    static final class Bpe implements Model {
        private final Map<String, Long> vocab;
        private final Map<Long, Long> merges; // (a << 32 | b) -> (rank << 32 | merged id)
        private final Map<Long, String> entries;
        private final String unk;
        private final String prefix;
        private final String suffix;
        private final boolean fuseUnk;
        private final boolean ignoreMerges;
        private final Map<String, List<Token>> cache = new ConcurrentHashMap<>();

        Bpe(Map<String, Long> vocab, List<String[]> mergeList, String unk, String prefix, String suffix, boolean fuseUnk,
            boolean byteFallback, Object dropout, boolean ignoreMerges) {
            if (byteFallback) throw new UnsupportedTokenizerException("BPE with byte_fallback is not supported");
            if (dropout instanceof Number d && d.doubleValue() > 0) {
                throw new UnsupportedTokenizerException("BPE with dropout is not supported (it is random)");
            }
            this.vocab = vocab;
            this.entries = inverse(vocab);
            this.merges = new HashMap<>(mergeList.size() * 2);
            for (int rank = 0; rank < mergeList.size(); rank++) {
                String a = mergeList.get(rank)[0];
                String b = mergeList.get(rank)[1];
                Long ia = vocab.get(a);
                Long ib = vocab.get(b);
                String merged = a + (b.startsWith(prefix) ? b.substring(prefix.length()) : b);
                Long im = vocab.get(merged);
                if (ia == null || ib == null || im == null) {
                    throw new IllegalArgumentException("BPE merge " + rank + " (\"" + a + "\" + \"" + b
                            + "\") uses or makes a token that is not in the vocabulary");
                }
                merges.putIfAbsent(ia << 32 | ib, (long) rank << 32 | im);
            }
            this.unk = unk;
            this.prefix = prefix;
            this.suffix = suffix;
            this.fuseUnk = fuseUnk;
            this.ignoreMerges = ignoreMerges;
        }

        @Override
        public List<Token> tokenize(String word) {
            if (word.isEmpty()) return List.of();
            if (ignoreMerges) { // a word that is a vocabulary entry is one token (LLaMA-3 style)
                Long whole = vocab.get(word);
                if (whole != null) return List.of(new Token(whole, word, 0, word.length()));
            }
            List<Token> cached = cache.get(word);
            if (cached != null) return cached;
            List<Token> result = merge(word);
            if (cache.size() < 100_000) cache.put(word, result);
            return result;
        }

        private List<Token> merge(String word) {
            int cap = word.length();
            long[] ids = new long[cap];
            int[] from = new int[cap];
            int[] to = new int[cap];
            int n = 0;
            for (int i = 0; i < word.length(); ) {
                int len = Character.charCount(word.codePointAt(i));
                String s = word.substring(i, i + len);
                if (i > 0) s = prefix + s;
                if (i + len == word.length()) s = s + suffix;
                Long id = vocab.get(s);
                ids[n] = id == null ? -1 : id;
                from[n] = i;
                to[n++] = i + len;
                i += len;
            }
            while (n > 1) {
                long best = Long.MAX_VALUE;
                long bestPair = 0;
                for (int i = 0; i + 1 < n; i++) {
                    if (ids[i] < 0 || ids[i + 1] < 0) continue;
                    long pair = ids[i] << 32 | ids[i + 1];
                    Long m = merges.get(pair);
                    if (m != null && m < best) {
                        best = m;
                        bestPair = pair;
                    }
                }
                if (best == Long.MAX_VALUE) break;
                long a = bestPair >>> 32;
                long b = bestPair & 0xFFFFFFFFL;
                long merged = best & 0xFFFFFFFFL;
                int w = 0;
                for (int i = 0; i < n; i++) {
                    if (i + 1 < n && ids[i] == a && ids[i + 1] == b) {
                        ids[w] = merged;
                        from[w] = from[i];
                        to[w++] = to[i + 1];
                        i++;
                    } else {
                        ids[w] = ids[i];
                        from[w] = from[i];
                        to[w++] = to[i];
                    }
                }
                n = w;
            }
            List<Token> out = new ArrayList<>(n);
            Long unkId = unk == null ? null : vocab.get(unk);
            for (int i = 0; i < n; i++) {
                if (ids[i] >= 0) {
                    out.add(new Token(ids[i], entries.get(ids[i]), from[i], to[i]));
                } else if (unkId != null) {
                    Token last = out.isEmpty() ? null : out.getLast();
                    if (fuseUnk && last != null && last.id() == unkId) out.set(out.size() - 1, new Token(unkId, unk, last.start(), to[i]));
                    else out.add(new Token(unkId, unk, from[i], to[i]));
                } else {
                    throw new IllegalArgumentException("BPE: '" + word.substring(from[i], to[i]) + "' is not in the vocabulary "
                            + "and the tokenizer has no unknown token");
                }
            }
            return out;
        }

        @Override
        public Map<String, Long> vocab() {
            return vocab;
        }

        @Override
        public String kind() {
            return "BPE";
        }

        int mergeCount() {
            return merges.size();
        }
    }

    /** id -> entry (the first entry wins where two share an id). */
    static Map<Long, String> inverse(Map<String, Long> vocab) {
        Map<Long, String> out = new LinkedHashMap<>(vocab.size() * 2);
        for (var e : vocab.entrySet()) out.putIfAbsent(e.getValue(), e.getKey());
        return out;
    }
}
