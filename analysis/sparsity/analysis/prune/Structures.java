package sparsity.analysis.prune;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import sparsity.analysis.graph.AttentionFinder;

/**
 * The units that structured pruning removes, found from the graph.
 *
 * <ul>
 *   <li>{@link AttentionBlock}: the query, key, value and output projections around each
 *       attention map ({@link AttentionFinder}), and the number of heads, read from the Reshape
 *       that splits the value projection into {@code [batch, seq, heads, headDim]}. Head h owns
 *       the output features {@code [h d, (h + 1) d)} of Q, K and V and the same input features
 *       of the output projection. Fused QKV projections and grouped-query attention (K and V
 *       narrower than Q) are not recognised.</li>
 *   <li>{@link Mlp}: a "down" layer whose input is reached from one or more "up" layers only
 *       through element-wise ops (bias Add, GELU's Div/Erf/Add/Mul, ReLU, SiLU, a gate's Mul),
 *       none of whose values is read elsewhere. Channel j is row j of every up layer, its bias
 *       entry, and input j of the down layer. In the MNIST sample fc1-fc2 and fc2-fc3 are such
 *       pairs; in a BERT block the intermediate and output dense layers.</li>
 * </ul>
 */
public final class Structures {

    /** One attention block. */
    public record AttentionBlock(String label, String scope, PrunableWeight query, PrunableWeight key, PrunableWeight value,
                                 PrunableWeight output, int heads, int headDim, List<String> qkvBiases) {

        /** The four projections, Q, K, V, O. */
        public List<PrunableWeight> weights() {
            return List.of(query, key, value, output);
        }
    }

    /**
     * One MLP: its up layers (one, or two for a gated MLP), the down layer, the channel count and
     * the per-channel bias tensors between them.
     */
    public record Mlp(String label, List<PrunableWeight> ups, PrunableWeight down, int channels, List<String> biases) {

        public List<PrunableWeight> weights() {
            List<PrunableWeight> all = new ArrayList<>(ups);
            all.add(down);
            return all;
        }
    }

    private static final Set<String> PASS = Set.of("Transpose", "Reshape", "Add", "Sub", "Mul", "Div", "Cast", "Identity", "Squeeze",
            "Unsqueeze");
    private static final Set<String> SCORE_OPS = Set.of("Add", "Sub", "Mul", "Div", "Where", "Cast");
    private static final Set<String> PROB_OPS = Set.of("Cast", "Dropout", "Identity");
    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Relu", "LeakyRelu", "Gelu",
            "FastGelu", "QuickGelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Elu", "Selu", "Celu", "Softplus", "Softsign",
            "Mish", "Clip", "Cast", "Identity", "Exp", "Neg", "Abs");

    private final GraphProto g;
    private final Map<String, NodeProto> producer = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, TensorProto> stored = new HashMap<>();
    /** Node name (or output) of a MatMul/Gemm to the supported weight it multiplies. */
    private final Map<NodeProto, PrunableWeight> weightOf = new HashMap<>();

    private Structures(ModelProto model) {
        g = model.getGraph();
        for (TensorProto t : g.getInitializerList()) stored.put(t.getName(), t);
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) producer.put(o, n);
            for (String i : n.getInputList()) consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            if (n.getOpType().equals("Constant") && n.getOutputCount() > 0) {
                for (AttributeProto a : n.getAttributeList()) if (a.getName().equals("value") && a.hasT()) stored.put(n.getOutput(0), a.getT());
            }
        }
        Map<String, PrunableWeight> byName = new HashMap<>();
        for (PrunableWeight w : PrunedModels.supported(model)) byName.put(w.name(), w);
        for (NodeProto n : g.getNodeList()) {
            boolean linear = n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm") && intAttr(n, "transA") == 0;
            if (linear && n.getInputCount() >= 2 && byName.containsKey(n.getInput(1))) weightOf.put(n, byName.get(n.getInput(1)));
        }
    }

    /** The attention blocks of a model, in graph order (empty when none is recognised). */
    public static List<AttentionBlock> attention(ModelProto model) {
        Structures s = new Structures(model);
        List<AttentionBlock> out = new ArrayList<>();
        for (AttentionFinder.AttentionPoint p : AttentionFinder.find(model)) {
            AttentionBlock b = s.block(p);
            if (b != null) out.add(b);
        }
        return out;
    }

    /** The MLPs of a model, in graph order of their down layer. */
    public static List<Mlp> mlps(ModelProto model) {
        Structures s = new Structures(model);
        List<Mlp> out = new ArrayList<>();
        for (NodeProto n : s.g.getNodeList()) {
            PrunableWeight down = s.weightOf.get(n);
            if (down == null) continue;
            Mlp m = s.mlp(n, down);
            if (m != null) out.add(m);
        }
        return out;
    }

    // ------------------------------------------------------------------ attention

    private AttentionBlock block(AttentionFinder.AttentionPoint p) {
        NodeProto softmax = producer.get(p.tensorName());
        if (softmax == null) return null;
        NodeProto scores = scoresMatMul(softmax.getInput(0), 6);
        if (scores == null || scores.getInputCount() < 2) return null;
        List<NodeProto> qPath = new ArrayList<>();
        List<NodeProto> kPath = new ArrayList<>();
        List<NodeProto> vPath = new ArrayList<>();
        PrunableWeight q = upstreamWeight(scores.getInput(0), qPath);
        PrunableWeight k = upstreamWeight(scores.getInput(1), kPath);
        NodeProto probs = probsMatMul(p.tensorName());
        if (q == null || k == null || probs == null) return null;
        PrunableWeight v = upstreamWeight(probs.getInput(1), vPath);
        PrunableWeight o = downstreamWeight(probs.getOutput(0));
        if (v == null || o == null) return null;
        int width = v.out();
        if (q.out() != width || k.out() != width || o.in() != width) return null;
        int heads = heads(vPath, width);
        if (heads <= 0) heads = heads(qPath, width);
        if (heads <= 0) heads = heads(kPath, width);
        if (heads <= 0 || width % heads != 0) return null;
        List<String> biases = new ArrayList<>();
        for (List<NodeProto> path : List.of(qPath, kPath, vPath)) {
            for (NodeProto n : path) {
                if (!n.getOpType().equals("Add")) continue;
                for (String in : n.getInputList()) if (isVector(in, width)) biases.add(in);
            }
        }
        return new AttentionBlock(p.label(), p.scope(), q, k, v, o, heads, width / heads, List.copyOf(biases));
    }

    /** The Q.K^T MatMul above a Softmax, through the scale and mask ops. */
    private NodeProto scoresMatMul(String tensor, int depth) {
        NodeProto n = producer.get(tensor);
        if (n == null || depth == 0) return null;
        if (n.getOpType().equals("MatMul") && !weightOf.containsKey(n)) return n;
        if (!SCORE_OPS.contains(n.getOpType())) return null;
        for (String in : n.getInputList()) {
            if (stored.containsKey(in)) continue;
            NodeProto m = scoresMatMul(in, depth - 1);
            if (m != null) return m;
        }
        return null;
    }

    /** The MatMul that multiplies the attention probabilities with V. */
    private NodeProto probsMatMul(String probs) {
        String t = probs;
        for (int step = 0; step < 4; step++) {
            NodeProto next = null;
            for (NodeProto c : consumers.getOrDefault(t, List.of())) {
                if (c.getOpType().equals("MatMul") && c.getInput(0).equals(t)) return c;
                if (PROB_OPS.contains(c.getOpType())) next = c;
            }
            if (next == null) return null;
            t = next.getOutput(0);
        }
        return null;
    }

    /** The projection weight a tensor comes from, through reshapes, transposes, bias and scale. */
    private PrunableWeight upstreamWeight(String tensor, List<NodeProto> path) {
        String t = tensor;
        for (int step = 0; step < 8; step++) {
            NodeProto n = producer.get(t);
            if (n == null) return null;
            PrunableWeight w = weightOf.get(n);
            if (w != null) return w;
            if (!PASS.contains(n.getOpType())) return null;
            path.add(n);
            List<String> dynamic = new ArrayList<>();
            boolean dataOnly = n.getOpType().equals("Reshape") || n.getOpType().equals("Squeeze") || n.getOpType().equals("Unsqueeze");
            for (int i = 0; i < n.getInputCount(); i++) {
                if (dataOnly && i > 0) break;
                if (!stored.containsKey(n.getInput(i)) && !n.getInput(i).isEmpty()) dynamic.add(n.getInput(i));
            }
            if (dynamic.size() != 1) return null;
            t = dynamic.getFirst();
        }
        return null;
    }

    /** The output projection that reads the attention context, through transposes and reshapes. */
    private PrunableWeight downstreamWeight(String tensor) {
        String t = tensor;
        for (int step = 0; step < 5; step++) {
            List<NodeProto> next = new ArrayList<>();
            for (NodeProto c : consumers.getOrDefault(t, List.of())) {
                if (c.getOpType().equals("Shape")) continue;
                next.add(c);
            }
            if (next.size() != 1) return null;
            NodeProto c = next.getFirst();
            PrunableWeight w = weightOf.get(c);
            if (w != null) return c.getInput(0).equals(t) ? w : null;
            if (!Set.of("Transpose", "Reshape", "Cast", "Identity").contains(c.getOpType()) || !c.getInput(0).equals(t)) return null;
            t = c.getOutput(0);
        }
        return null;
    }

    /** Heads from a 4-D Reshape target [batch, seq, heads, headDim] on the path, or 0. */
    private int heads(List<NodeProto> path, int width) {
        for (NodeProto n : path) {
            if (!n.getOpType().equals("Reshape") || n.getInputCount() < 2) continue;
            long[] shape = constantVector(n.getInput(1));
            if (shape == null || shape.length != 4) continue;
            long h = shape[2];
            long d = shape[3];
            if (h > 0 && width % h == 0) return (int) h;
            if (d > 0 && width % d == 0) return (int) (width / d);
        }
        return 0;
    }

    /** The values of a shape vector known without running the model; Long.MIN_VALUE where unknown. */
    private long[] constantVector(String tensor) {
        TensorProto t = stored.get(tensor);
        if (t != null) return longs(t);
        NodeProto n = producer.get(tensor);
        if (n == null) return null;
        if (n.getOpType().equals("Concat")) {
            List<Long> all = new ArrayList<>();
            for (String in : n.getInputList()) {
                long[] part = constantVector(in);
                if (part == null) {
                    all.add(Long.MIN_VALUE); // a dynamic piece: one element (an unsqueezed dimension)
                } else {
                    for (long v : part) all.add(v);
                }
            }
            return all.stream().mapToLong(Long::longValue).toArray();
        }
        if (n.getOpType().equals("Unsqueeze") || n.getOpType().equals("Cast") || n.getOpType().equals("Identity")) {
            long[] v = constantVector(n.getInput(0));
            return v != null && v.length == 1 ? v : null;
        }
        return null;
    }

    private static long[] longs(TensorProto t) {
        int type = t.getDataType();
        java.nio.ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (type == TensorProto.DataType.INT64_VALUE) {
            if (raw.hasRemaining()) {
                long[] v = new long[raw.remaining() / 8];
                raw.asLongBuffer().get(v);
                return v;
            }
            return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        }
        if (type == TensorProto.DataType.INT32_VALUE) {
            if (raw.hasRemaining()) {
                long[] v = new long[raw.remaining() / 4];
                for (int i = 0; i < v.length; i++) v[i] = raw.getInt(4 * i);
                return v;
            }
            return t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray();
        }
        return null;
    }

    // ------------------------------------------------------------------ MLP

    private Mlp mlp(NodeProto downNode, PrunableWeight down) {
        int f = down.in();
        Set<PrunableWeight> ups = new LinkedHashSet<>();
        Set<String> biases = new LinkedHashSet<>();
        Set<NodeProto> region = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        todo.push(downNode.getInput(0));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (!seen.add(t) || t.isEmpty()) continue;
            TensorProto c = stored.get(t);
            if (c != null) {
                long n = 1;
                for (long d : c.getDimsList()) n *= d;
                if (n != 1 && !isVector(t, f)) return null; // a constant that mixes or reshapes channels
                continue;
            }
            NodeProto n = producer.get(t);
            if (n == null) return null; // a graph input
            PrunableWeight up = weightOf.get(n);
            if (up != null) {
                if (up.out() != f || up == down) return null;
                ups.add(up);
                if (n.getOpType().equals("Gemm") && n.getInputCount() > 2 && isVector(n.getInput(2), f)) biases.add(n.getInput(2));
                region.add(n);
                continue;
            }
            if (!ELEMENTWISE.contains(n.getOpType())) return null;
            region.add(n);
            for (String in : n.getInputList()) {
                if ((n.getOpType().equals("Add") || n.getOpType().equals("Sub")) && isVector(in, f)) biases.add(in);
                todo.push(in);
            }
        }
        if (ups.isEmpty()) return null;
        // nothing between the layers may be read elsewhere (it would change with the channel)
        for (NodeProto n : region) {
            for (String o : n.getOutputList()) {
                for (NodeProto c : consumers.getOrDefault(o, List.of())) {
                    if (!region.contains(c) && c != downNode) return null;
                }
            }
        }
        String label = ups.stream().map(PrunableWeight::node).reduce((a, b) -> a + " + " + b).orElse("") + " -> " + down.node();
        return new Mlp(label, List.copyOf(ups), down, f, List.copyOf(biases));
    }

    /** True for a stored float tensor of {@code n} values along its last axis (all other axes 1). */
    private boolean isVector(String name, int n) {
        TensorProto t = stored.get(name);
        if (t == null || t.getDataType() != TensorProto.DataType.FLOAT_VALUE || t.getDimsCount() == 0) return false;
        long count = 1;
        for (long d : t.getDimsList()) count *= d;
        return count == n && t.getDims(t.getDimsCount() - 1) == n;
    }

    private static long intAttr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
        return 0;
    }
}
