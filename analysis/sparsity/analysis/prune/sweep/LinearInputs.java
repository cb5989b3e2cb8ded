package sparsity.analysis.prune.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvalData;
import sparsity.analysis.evaluate.EvaluationException;
import sparsity.analysis.evaluate.RowLayout;
import sparsity.analysis.evaluate.TensorRuns;

/**
 * The inputs of the linear layers (MatMul, Gemm) whose weights pruning touches, and their
 * statistics over calibration data: the squared L2 norm of every input feature and a uniform
 * sample of the input rows (TEAL's activation magnitudes). Only real rows count: padding tokens
 * are skipped. (Wanda's and SparseGPT's statistics come from the facade's
 * {@link sparsity.analysis.prune.Calibration}.)
 */
public final class LinearInputs {

    /**
     * A tensor that feeds linear layers: input A of the MatMul/Gemm nodes whose weight (input B)
     * is one of the pruned weights.
     *
     * @param tensor  the tensor (a graph input or a node output)
     * @param weights the weights of the layers that read it
     * @param nodes   those layers' nodes (by name, "" when unnamed), in graph order
     */
    public record Site(String tensor, List<String> weights, List<String> nodes) {
    }

    /**
     * A tensor's rows over the calibration data.
     *
     * @param width  features per row (the tensor's last axis)
     * @param rows   real rows seen
     * @param sumSq  per feature: the sum of squares over all rows seen
     * @param sample a uniform sample of the rows (reservoir), {@code sampleRows x width}, row-major
     */
    public record Stats(int width, long rows, double[] sumSq, float[] sample, int sampleRows) {

        /** The L2 norm of every feature over the rows seen (Wanda's ||X_j||). */
        public float[] norms() {
            float[] n = new float[width];
            for (int i = 0; i < width; i++) n[i] = (float) Math.sqrt(sumSq[i]);
            return n;
        }
    }

    private LinearInputs() {
    }

    /** The sites of the given weights, in graph order; weights not read by MatMul/Gemm as input B are left out. */
    public static List<Site> sites(ModelProto model, Collection<String> weights) {
        Set<String> wanted = new HashSet<>(weights);
        Map<String, List<String>> ws = new LinkedHashMap<>();
        Map<String, List<String>> ns = new LinkedHashMap<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            boolean linear = n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm") && intAttr(n, "transA") == 0;
            if (!linear || n.getInputCount() < 2 || !wanted.contains(n.getInput(1))) continue;
            ws.computeIfAbsent(n.getInput(0), k -> new ArrayList<>()).add(n.getInput(1));
            ns.computeIfAbsent(n.getInput(0), k -> new ArrayList<>()).add(n.getName());
        }
        List<Site> out = new ArrayList<>();
        ws.forEach((t, w) -> out.add(new Site(t, List.copyOf(w), List.copyOf(ns.get(t)))));
        return List.copyOf(out);
    }

    /**
     * Runs the model over the calibration data and gathers the statistics of each tensor.
     *
     * @param maxRows the most rows kept per tensor in the sample (a seeded reservoir over all real rows)
     */
    public static Map<String, Stats> collect(Path modelFile, ModelProto model, EvalData data, List<String> tensors, int maxRows,
                                             long seed, ProgressListener progress) throws EvaluationException, InterruptedException {
        if (maxRows < 1) throw new IllegalArgumentException("keep at least one row");
        Map<String, Acc> acc = new LinkedHashMap<>();
        for (String t : tensors) acc.put(t, new Acc(maxRows, seed ^ t.hashCode()));
        TensorRuns.run(modelFile, model, data, tensors, (batch, tensor, values, shape) -> {
            RowLayout L = RowLayout.of(batch, shape);
            acc.get(tensor).add(values, L);
        }, progress);
        Map<String, Stats> out = new LinkedHashMap<>();
        acc.forEach((t, a) -> out.put(t, a.stats()));
        return out;
    }

    private static long intAttr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
        return 0;
    }

    /** Running sums and a reservoir of rows. */
    private static final class Acc {
        final int maxRows;
        final Random random;
        int width = -1;
        long rows;
        double[] sumSq;
        float[] sample;
        int kept;

        Acc(int maxRows, long seed) {
            this.maxRows = maxRows;
            this.random = new Random(seed);
        }

        void add(float[] v, RowLayout L) {
            int w = L.width();
            if (width < 0) {
                width = w;
                sumSq = new double[w];
                sample = new float[0];
            } else if (w != width) {
                throw new IllegalStateException("rows of " + w + " after rows of " + width);
            }
            for (int r = 0; r < L.rows(); r++) {
                if (!L.real()[r]) continue;
                int o = r * w;
                for (int i = 0; i < w; i++) {
                    double x = v[o + i];
                    sumSq[i] += x * x;
                }
                rows++;
                int slot;
                if (kept < maxRows) {
                    slot = kept++;
                    if ((long) kept * w > sample.length) {
                        int cap = (int) Math.min((long) maxRows * w, Math.max((long) kept * w, 2L * sample.length));
                        sample = java.util.Arrays.copyOf(sample, cap);
                    }
                } else {
                    long j = (long) (random.nextDouble() * rows);
                    if (j >= maxRows) continue;
                    slot = (int) j;
                }
                System.arraycopy(v, o, sample, slot * w, w);
            }
        }

        Stats stats() {
            if (width < 0) return new Stats(0, 0, new double[0], new float[0], 0);
            return new Stats(width, rows, sumSq, java.util.Arrays.copyOf(sample, kept * width), kept);
        }
    }
}
