package sparsity.analysis.prune;

import java.util.List;

/**
 * A pruning method of the registry ({@link Pruning#methods()}).
 *
 * @param name        the name the CLI, the sweep and the views use ("wanda")
 * @param title       a short title for menus ("Wanda")
 * @param description one line on what it scores and how it cuts
 * @param scope       over what the asked share is counted exactly
 * @param calibration whether it needs calibration data ({@link Calibration}); structured methods
 *                    use it when given (activation-based importance) and fall back to weights
 * @param gram        whether it needs the Gram matrices X^T X (SparseGPT; heads use them when present)
 * @param nm          whether it takes an N:M pattern
 * @param structured  whether it removes whole heads or channels rather than single weights
 * @param updatesKept whether it also changes the weights it keeps (SparseGPT), so that a mask
 *                    alone does not reproduce its model
 */
public record PruneMethod(String name, String title, String description, Scope scope, Calibration calibration, boolean gram,
                          boolean nm, boolean structured, boolean updatesKept) {

    /** Over what the share is exact. */
    public enum Scope {
        /** Every layer loses the asked share (rounded) of its weights. */
        LAYER,
        /** The asked share of all selected weights together; layers differ. */
        GLOBAL,
        /** Every attention block loses round(share x heads) heads. */
        HEADS,
        /** Every MLP loses round(share x channels) channels. */
        CHANNELS
    }

    /** How a method uses calibration data. */
    public enum Calibration {
        /** Data-free. */
        NONE,
        /** Uses it when given, else a weight-only score. */
        OPTIONAL,
        /** Cannot run without it. */
        REQUIRED
    }

    public boolean needsCalibration() {
        return calibration == Calibration.REQUIRED;
    }

    static final List<PruneMethod> ALL = List.of(
            new PruneMethod("magnitude", "Magnitude", "|w|; the lowest share of every layer is pruned", Scope.LAYER,
                    Calibration.NONE, false, true, false, false),
            new PruneMethod("magnitude-global", "Magnitude (global)", "|w|; one threshold over all layers", Scope.GLOBAL,
                    Calibration.NONE, false, false, false, false),
            new PruneMethod("random", "Random", "random scores (seeded); a baseline", Scope.LAYER,
                    Calibration.NONE, false, true, false, false),
            new PruneMethod("lamp", "LAMP", "w^2 over the sum of the squares of the layer's larger weights; one threshold over all layers",
                    Scope.GLOBAL, Calibration.NONE, false, false, false, false),
            new PruneMethod("wanda", "Wanda", "|w| x the input feature's L2 norm over the calibration tokens; compared within each output row",
                    Scope.LAYER, Calibration.REQUIRED, false, true, false, false),
            new PruneMethod("sparsegpt", "SparseGPT", "mask and weight update from the inverse Hessian of the calibration inputs, in blocks of 128 columns",
                    Scope.LAYER, Calibration.REQUIRED, true, true, false, true),
            new PruneMethod("heads", "Attention heads", "whole heads (their Q, K, V columns and output-projection rows) by the energy of "
                    + "the head's output over the calibration tokens, or the output-projection weight norm without calibration",
                    Scope.HEADS, Calibration.OPTIONAL, true, false, true, false),
            new PruneMethod("channels", "MLP channels", "whole intermediate channels (an up-projection row, its bias, the down-projection "
                    + "column) by ||X_j|| x ||W_down[:, j]|| over the calibration tokens, or ||W_up[j, :]|| x ||W_down[:, j]|| without",
                    Scope.CHANNELS, Calibration.OPTIONAL, false, false, true, false));
}
