package sparsity.analysis.input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import sparsity.analysis.json.Json;
import sparsity.analysis.json.JsonException;

import static sparsity.analysis.json.Json.asLong;
import static sparsity.analysis.json.Json.asObject;
import static sparsity.analysis.json.Json.asString;

/**
 * Loads tokenizers from Hugging Face {@code tokenizer.json} files and checks them against a
 * model. Supported: normalizers BertNormalizer, NFC/NFD/NFKC/NFKD, Lowercase, StripAccents,
 * Strip and Sequence; pre-tokenizers BertPreTokenizer, ByteLevel, Whitespace, WhitespaceSplit
 * and Sequence; models WordPiece and BPE (byte-level or not); post-processors
 * TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel and Sequence; added
 * tokens; truncation and padding. Anything else is refused with
 * {@link UnsupportedTokenizerException} rather than tokenized differently.
 */
public final class Tokenizers {

    private Tokenizers() {
    }

    /**
     * Reads a tokenizer.json. Truncation and padding are those of the file (all-MiniLM-L6-v2's
     * file, for one, truncates and pads to 128); change them with the {@code with...} methods.
     */
    public static Tokenizer load(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) throw new NoSuchFileException(tokenizerJson.toString(), null, "tokenizer file not found");
        Object json = Json.parse(tokenizerJson);
        return fromJson(json, tokenizerJson.toString());
    }

    /** Reads a tokenizer.json given as text; {@code source} names it in messages. */
    public static Tokenizer fromJsonText(String tokenizerJson, String source) {
        return fromJson(Json.parse(tokenizerJson, source), source);
    }

    static Tokenizer fromJson(Object json, String source) {
        try {
            Map<String, Object> root = asObject(json, "tokenizer.json");
            if (!root.containsKey("model")) {
                throw new IllegalArgumentException("no \"model\" section: this is not a Hugging Face tokenizer.json");
            }
            AddedTokens added = AddedTokens.fromJson(root.get("added_tokens"));
            TokenModels.Model model = TokenModels.fromJson(root.get("model"));
            var pre = PreTokenizers.fromJson(root.get("pre_tokenizer"));
            var post = PostProcessor.fromJson(root.get("post_processor"));
            var normalizer = Normalizers.fromJson(root.get("normalizer"));
            Object decoderJson = root.get("decoder");
            String decoder = decoderJson == null ? "" : asString(asObject(decoderJson, "decoder").get("type"), "decoder.type");
            boolean byteLevel = usesType(root.get("pre_tokenizer"), "ByteLevel");
            if (decoder.isEmpty() && byteLevel) decoder = "ByteLevel";
            String description = describe(model, byteLevel, root.get("normalizer"));
            var parts = HfTokenizer.parts(source, added, normalizer, pre, model, post, decoder, description);
            return new HfTokenizer(parts, truncation(root.get("truncation")), padding(root.get("padding"), added, model));
        } catch (JsonException | IllegalArgumentException e) {
            String m = e.getMessage();
            String msg = m != null && m.startsWith(source) ? m : source + ": " + m;
            if (e instanceof UnsupportedTokenizerException) throw new UnsupportedTokenizerException(msg);
            throw new IllegalArgumentException(msg, e);
        }
    }

    /**
     * Checks that every id the tokenizer can give has a row in the model's embedding matrix.
     *
     * @param modelVocabRows rows of the model's token embedding (its vocabulary size)
     * @throws IllegalArgumentException "tokenizer not matching the model's vocabulary: ..."
     */
    public static void checkAgainstModel(Tokenizer tokenizer, long modelVocabRows) {
        if (tokenizer.vocabSize() > modelVocabRows) {
            throw new IllegalArgumentException("tokenizer not matching the model's vocabulary: the tokenizer ("
                    + tokenizer.description() + ") gives ids up to " + (tokenizer.vocabSize() - 1)
                    + ", but the model's token embedding has only " + modelVocabRows + " rows (ids 0 to "
                    + (modelVocabRows - 1) + "); is this the tokenizer.json of another model?");
        }
    }

    /** Checks the ids of one batch against the model's embedding rows, naming the first id too large. */
    public static void checkAgainstModel(BatchEncoding batch, long modelVocabRows) {
        for (int b = 0; b < batch.batchSize(); b++) {
            long[] ids = batch.encodings().get(b).ids();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= modelVocabRows) {
                    throw new IllegalArgumentException("tokenizer not matching the model's vocabulary: text " + (b + 1)
                            + ", position " + i + " has token id " + ids[i] + " ('" + batch.encodings().get(b).tokens()[i]
                            + "'), but the model's token embedding has only " + modelVocabRows + " rows");
                }
            }
        }
    }

    /** Names of the token embedding matrix in common exports (BERT, GPT-2, LLaMA, T5, ...). */
    private static final java.util.regex.Pattern EMBEDDING_NAME = java.util.regex.Pattern.compile(
            ".*(word_embeddings|\\bwte\\b|embed_tokens|tok_embeddings|token_embedding|shared\\.weight|embeddings\\.weight$).*");

    /**
     * The rows of a model's token embedding matrix (its vocabulary size), found by the usual
     * parameter names; empty when no 2-D parameter has such a name.
     */
    public static java.util.OptionalLong tokenEmbeddingRows(java.util.List<sparsity.analysis.onnx.ParameterStats> parameters) {
        for (var p : parameters) {
            if (p.shape().size() == 2 && EMBEDDING_NAME.matcher(p.name().toLowerCase(java.util.Locale.ROOT)).matches()) {
                return java.util.OptionalLong.of(p.shape().getFirst());
            }
        }
        return java.util.OptionalLong.empty();
    }

    /** True when a component of this type appears anywhere in a section (Sequence steps included). */
    static boolean usesType(Object json, String type) {
        if (json instanceof Map<?, ?> m) {
            if (type.equals(m.get("type"))) return true;
            for (Object v : m.values()) if (usesType(v, type)) return true;
        } else if (json instanceof java.util.List<?> l) {
            for (Object v : l) if (usesType(v, type)) return true;
        }
        return false;
    }

    /** True when the normalizer lower-cases (a BertNormalizer with lowercase, or a Lowercase step). */
    private static boolean lowercases(Object normalizer) {
        if (usesType(normalizer, "Lowercase")) return true;
        if (normalizer instanceof Map<?, ?> m) {
            if ("BertNormalizer".equals(m.get("type"))) return !Boolean.FALSE.equals(m.get("lowercase"));
            Object steps = m.get("normalizers");
            if (steps instanceof java.util.List<?> l) for (Object step : l) if (lowercases(step)) return true;
        }
        return false;
    }

    private static String describe(TokenModels.Model model, boolean byteLevel, Object normalizer) {
        StringBuilder sb = new StringBuilder(byteLevel ? "byte-level " : "").append(model.kind())
                .append(", ").append(model.vocab().size()).append(" entries");
        if (model instanceof TokenModels.Bpe bpe) sb.append(", ").append(bpe.mergeCount()).append(" merges");
        if (lowercases(normalizer)) sb.append(", lower-cased");
        return sb.toString();
    }

    private static Truncation truncation(Object json) {
        if (json == null) return Truncation.NONE;
        Map<String, Object> o = asObject(json, "truncation");
        long max = asLong(o.get("max_length"), "truncation.max_length");
        boolean left = "Left".equals(o.get("direction"));
        return new Truncation((int) Math.min(Integer.MAX_VALUE, max), left);
    }

    private static Padding padding(Object json, AddedTokens added, TokenModels.Model model) {
        if (json == null) {
            for (String candidate : new String[] {"[PAD]", "<pad>", "<|endoftext|>", "</s>"}) {
                for (AddedTokens.Added a : added.all) if (a.content().equals(candidate)) return pad(candidate, a.id());
                Long id = model.vocab().get(candidate);
                if (id != null) return pad(candidate, id);
            }
            return pad("", 0);
        }
        Map<String, Object> o = asObject(json, "padding");
        Object strategy = o.get("strategy");
        Padding.Strategy s = Padding.Strategy.LONGEST;
        int fixed = 0;
        if (strategy instanceof Map<?, ?> m && m.containsKey("Fixed")) {
            s = Padding.Strategy.FIXED;
            fixed = (int) asLong(m.get("Fixed"), "padding.strategy.Fixed");
        }
        int multiple = o.get("pad_to_multiple_of") == null ? 0 : (int) asLong(o.get("pad_to_multiple_of"), "pad_to_multiple_of");
        return new Padding(s, fixed, multiple, o.get("pad_id") == null ? 0 : asLong(o.get("pad_id"), "pad_id"),
                o.get("pad_type_id") == null ? 0 : asLong(o.get("pad_type_id"), "pad_type_id"),
                o.get("pad_token") == null ? "[PAD]" : asString(o.get("pad_token"), "pad_token"),
                "Left".equals(o.get("direction")));
    }

    /** No padding for single texts; a batch is padded to its longest text with this token. */
    private static Padding pad(String token, long id) {
        return new Padding(Padding.Strategy.NONE, 0, 0, id, 0, token, false);
    }
}
