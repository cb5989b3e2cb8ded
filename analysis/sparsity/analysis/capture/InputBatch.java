package sparsity.analysis.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch of prepared model inputs with the provenance of its examples, as the input step
 * (tokenizer, image folder, .npy) hands it to a {@link Capture}.
 *
 * <p>Text: int64 inputs {@code [batch, seq]} (input_ids, attention_mask, token_type_ids...), the
 * name of the token-id input and of the mask input (padding where the mask is 0; no mask input
 * means no padding), and per example its name (e.g. the sentence) and the text of each token.
 * Image/tensor models: float inputs of any shape whose first dimension is the batch, and a name
 * per example (e.g. the image file name).
 *
 * @param longInputs  int64 inputs by model input name, each {@code [batch][seq]}
 * @param floatInputs float inputs by model input name
 * @param idsInput    the input holding token ids, or null (no per-token provenance)
 * @param maskInput   the input holding the attention mask, or null (no padding)
 * @param names       per example: its name or text; entries may be null
 * @param tokenTexts  per example: the text of each token position (may be shorter or null)
 */
public record InputBatch(Map<String, long[][]> longInputs, Map<String, FloatInput> floatInputs, String idsInput,
                         String maskInput, List<String> names, List<String[]> tokenTexts) {

    /**
     * A float input.
     *
     * @param data  values, row-major
     * @param shape shape, the batch first
     */
    public record FloatInput(float[] data, long[] shape) {
        public FloatInput {
            long n = 1;
            for (long d : shape) n *= d;
            if (n != data.length) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
    }

    public InputBatch {
        longInputs = Map.copyOf(longInputs);
        floatInputs = Map.copyOf(floatInputs);
        int b = -1;
        for (var e : longInputs.entrySet()) b = checkBatch(b, e.getKey(), e.getValue().length);
        for (var e : floatInputs.entrySet()) b = checkBatch(b, e.getKey(), (int) e.getValue().shape()[0]);
        if (b <= 0) throw new IllegalArgumentException("a batch needs at least one input and one example");
        for (var e : longInputs.entrySet()) {
            int seq = e.getValue()[0].length;
            for (long[] row : e.getValue()) {
                if (row.length != seq) throw new IllegalArgumentException("input '" + e.getKey() + "' has rows of different lengths");
            }
        }
        if (idsInput != null && !longInputs.containsKey(idsInput)) throw new IllegalArgumentException("no input '" + idsInput + "'");
        if (maskInput != null && !longInputs.containsKey(maskInput)) throw new IllegalArgumentException("no input '" + maskInput + "'");
        names = names == null ? java.util.Collections.nCopies(b, null) : java.util.Collections.unmodifiableList(new ArrayList<>(names));
        tokenTexts = tokenTexts == null ? java.util.Collections.nCopies(b, null) : java.util.Collections.unmodifiableList(new ArrayList<>(tokenTexts));
        if (names.size() != b || tokenTexts.size() != b) throw new IllegalArgumentException("provenance for " + names.size() + " examples, batch of " + b);
    }

    /**
     * A text batch with the usual input names: token ids in {@code input_ids}, the mask in
     * {@code attention_mask} (when present).
     */
    public static InputBatch text(Map<String, long[][]> inputs, List<String> names, List<String[]> tokenTexts) {
        return new InputBatch(inputs, Map.of(), inputs.containsKey("input_ids") ? "input_ids" : null,
                inputs.containsKey("attention_mask") ? "attention_mask" : null, names, tokenTexts);
    }

    /**
     * A text batch from the tokenizer's encodings, each model input fed as the input mapping says
     * (token ids, attention mask, token type ids, position ids). Example names are the texts,
     * token texts the vocabulary entries.
     *
     * @throws sparsity.analysis.input.MappingPlan.InputMismatchException when the plan has problems
     */
    public static InputBatch of(sparsity.analysis.input.MappingPlan plan, sparsity.analysis.input.BatchEncoding batch) {
        plan.requireOk();
        Map<String, long[][]> inputs = new LinkedHashMap<>();
        String ids = null;
        String mask = null;
        int n = batch.batchSize();
        int seq = batch.sequenceLength();
        for (sparsity.analysis.input.MappingPlan.Assignment a : plan.assignments()) {
            String name = a.input().name();
            long[][] v = new long[n][];
            for (int b = 0; b < n; b++) {
                sparsity.analysis.input.Encoding e = batch.encodings().get(b);
                v[b] = switch (a.source()) {
                    case TOKEN_IDS -> e.ids().clone();
                    case ATTENTION_MASK -> e.attentionMask().clone();
                    case TOKEN_TYPE_IDS -> e.typeIds().clone();
                    case POSITION_IDS -> java.util.stream.LongStream.range(0, seq).toArray();
                    case TENSOR -> throw new IllegalArgumentException("input '" + name + "' takes a tensor, not text");
                };
            }
            if (a.source() == sparsity.analysis.input.MappingPlan.Source.TOKEN_IDS) ids = name;
            if (a.source() == sparsity.analysis.input.MappingPlan.Source.ATTENTION_MASK) mask = name;
            inputs.put(name, v);
        }
        List<String[]> tokens = batch.encodings().stream().map(sparsity.analysis.input.Encoding::tokens).toList();
        return new InputBatch(inputs, Map.of(), ids, mask, batch.texts(), tokens);
    }

    /** An image/tensor batch: one row per example. */
    public static InputBatch tensors(Map<String, FloatInput> inputs, List<String> names) {
        return new InputBatch(Map.of(), inputs, null, null, names, null);
    }

    /** Examples in the batch. */
    public int size() {
        return names.size();
    }

    /** True when rows are tokens (there are int64 inputs of [batch, seq]). */
    public boolean isText() {
        return !longInputs.isEmpty() && floatInputs.isEmpty() || idsInput != null || maskInput != null;
    }

    /** Sequence length of the int64 inputs (0 when there are none). */
    public int seqLength() {
        return longInputs.isEmpty() ? 0 : longInputs.values().iterator().next()[0].length;
    }

    /** True when position {@code p} of example {@code b} is a real token (mask not 0). */
    public boolean real(int b, int p) {
        return maskInput == null || longInputs.get(maskInput)[b][p] != 0;
    }

    /** {@link #real} for every example and position, {@code [batch][seq]} (computed on each call). */
    public boolean[][] realMask() {
        int seq = seqLength();
        long[][] mask = maskInput == null ? null : longInputs.get(maskInput);
        boolean[][] out = new boolean[size()][seq];
        for (int b = 0; b < out.length; b++) {
            for (int p = 0; p < seq; p++) out[b][p] = mask == null || mask[b][p] != 0;
        }
        return out;
    }

    /** Real (non-padding) tokens of an example. */
    public int tokens(int b) {
        int n = 0;
        for (int p = 0; p < seqLength(); p++) if (real(b, p)) n++;
        return n;
    }

    /** The token id at a position, or -1 without an ids input. */
    public int tokenId(int b, int p) {
        return idsInput == null ? -1 : (int) longInputs.get(idsInput)[b][p];
    }

    /** The token text at a position, or null. */
    public String tokenText(int b, int p) {
        String[] t = tokenTexts.get(b);
        return t == null || p >= t.length ? null : t[p];
    }

    /** The same batch without its first {@code n} examples (for a resumed capture). */
    public InputBatch drop(int n) {
        if (n <= 0) return this;
        if (n >= size()) throw new IllegalArgumentException("cannot drop " + n + " of " + size() + " examples");
        Map<String, long[][]> longs = new LinkedHashMap<>();
        longInputs.forEach((k, v) -> longs.put(k, Arrays.copyOfRange(v, n, v.length)));
        Map<String, FloatInput> floats = new LinkedHashMap<>();
        floatInputs.forEach((k, v) -> {
            long[] shape = v.shape().clone();
            int per = (int) (v.data().length / shape[0]);
            shape[0] -= n;
            floats.put(k, new FloatInput(Arrays.copyOfRange(v.data(), n * per, v.data().length), shape));
        });
        return new InputBatch(longs, floats, idsInput, maskInput, names.subList(n, size()),
                tokenTexts == null ? null : tokenTexts.subList(n, size()));
    }

    private static int checkBatch(int b, String name, int size) {
        if (b >= 0 && size != b) throw new IllegalArgumentException("input '" + name + "' has batch size " + size + ", others " + b);
        return size;
    }
}
