package sparsity.sae.features;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import sparsity.analysis.store.DType;
import sparsity.analysis.store.StoreHeader;
import sparsity.analysis.store.StoreWriter;
import sparsity.analysis.store.TensorLayout;
import sparsity.kernels.Backend;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.model.SaeParams;
import sparsity.sae.model.TopKAutoencoder;

/**
 * A hand-made TopK autoencoder (d 3, 4 latents, k 2) and five rows in three examples whose codes
 * are worked out by hand (b_pre = b_enc = 0, so the pre-activations are W_enc x):
 * <pre>
 * W_enc rows: L0 = e0, L1 = e1, L2 = e2, L3 = -e0
 * W_dec rows: L0 = e0, L1 = e1, L2 = 2 e2 (unit after normalizing), L3 = (-0.6, 0.8, 0)
 *
 * example 0  row 0  x = ( 3, 1, 0)  pre ( 3, 1, 0, -3)  code L0 3, L1 1
 *            row 1  x = ( 1, 0, 2)  pre ( 1, 0, 2, -1)  code L2 2, L0 1
 * example 1  row 2  x = ( 0, 5, 0)  pre ( 0, 5, 0,  0)  code L1 5 (second slot L0 = 0: inactive)
 * example 2  row 3  x = (-2, 0, 1)  pre (-2, 0, 1,  2)  code L3 2, L2 1
 *            row 4  x = ( 4, 0, 0)  pre ( 4, 0, 0, -4)  code L0 4 (second slot L1 = 0: inactive)
 * </pre>
 * So L0 fires on rows 0, 1, 4 (density 3/5, max 4 on row 4, mean 8/3; top examples 2 then 0),
 * L1 on rows 0, 2 (max 5, mean 3; top 1 then 0), L2 on rows 1, 3 (max 2, mean 1.5; top 0 then
 * 2), L3 on row 3 (density 1/5, max 2). Decoder cosines: L1-L3 0.8, L0-L3 -0.6, every other pair 0.
 */
public final class TinySae {

    public static final int D = 3;
    static final int N = 4;
    static final int K = 2;
    public static final float[] ROWS = {
        3, 1, 0,
        1, 0, 2,
        0, 5, 0,
        -2, 0, 1,
        4, 0, 0};
    static final int[] EXAMPLE_OF_ROW = {0, 0, 1, 2, 2};
    static final String[][] TOKENS = {{"the", "cat"}, {"sat"}, {"on", "mat"}};

    private TinySae() {
    }

    static TopKAutoencoder make(Backend be) {
        TopKAutoencoder sae = new TopKAutoencoder(be, D, N, TopKAutoencoder.Config.defaults(D, K), 0);
        setWeights(sae.params());
        return sae;
    }

    /** The weights above. */
    static void setWeights(SaeParams p) {
        p.wEnc.fill(0);
        p.wDec.fill(0);
        p.bEnc.fill(0);
        p.bPre.fill(0);
        p.wEnc.set(0, 0, 1);
        p.wEnc.set(1, 1, 1);
        p.wEnc.set(2, 2, 1);
        p.wEnc.set(3, 0, -1);
        p.wDec.set(0, 0, 1);
        p.wDec.set(1, 1, 1);
        p.wDec.set(2, 2, 2);
        p.wDec.set(3, 0, -0.6f);
        p.wDec.set(3, 1, 0.8f);
    }

    /** Writes the rows as a store of token rows (tensor "hidden") with the tokens above. */
    public static Path store(Path dir) throws IOException {
        Path store = dir.resolve("store");
        try (StoreWriter w = StoreWriter.create(store, StoreHeader.of(Path.of("model.onnx"), "", DType.FLOAT32, "unit test"),
                List.of(TensorLayout.rows("hidden", TensorLayout.Unit.TOKEN, D)), 0)) {
            int row = 0;
            for (int e = 0; e < TOKENS.length; e++) {
                w.addExample(String.join(" ", TOKENS[e]));
                for (int p = 0; p < TOKENS[e].length; p++) w.addToken(p, 100 + row, TOKENS[e][p]);
                w.writeRows(0, ROWS, row * D, TOKENS[e].length);
                row += TOKENS[e].length;
            }
            w.complete();
        }
        return store;
    }

    /** Writes the autoencoder as a SAELens folder. */
    public static Path saeFolder(Path dir, Backend be) throws IOException {
        Path out = dir.resolve("sae");
        try (TopKAutoencoder sae = make(be)) {
            SaeLensFormat.writeTopK(out, sae.params(), K, 1, "hidden", "model.onnx", null, null);
        }
        return out;
    }
}
