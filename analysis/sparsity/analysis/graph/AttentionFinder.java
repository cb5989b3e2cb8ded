package sparsity.analysis.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * Finds the attention probabilities of a transformer: each Softmax whose input comes, through
 * the scaling and masking ops (Add, Sub, Mul, Div, Where, Cast), from a MatMul whose second input
 * is a transposed key (a Transpose or a MatMul giving K^T, possibly followed by a scaling Mul/Div,
 * a Reshape or a Cast; PyTorch's scaled_dot_product_attention export scales both Q and K^T), and
 * whose output feeds (directly or through Cast/Dropout) the first input of a MatMul with V. Such a
 * tensor has the shape {@code [batch, head, query, key]}.
 */
public final class AttentionFinder {

    /** Ops between Q·K^T and the Softmax: the scale, the mask, type casts. */
    private static final Set<String> SCORE_OPS = Set.of("Add", "Sub", "Mul", "Div", "Where", "Cast");
    /** Ops between the key projection's Transpose and the MatMul. */
    private static final Set<String> KEY_OPS = Set.of("Mul", "Div", "Reshape", "Cast");
    /** Ops between the Softmax and the MatMul with V. */
    private static final Set<String> PROB_OPS = Set.of("Cast", "Dropout", "Identity");
    private static final int MAX_STEPS = 6;
    private static final Pattern LAYER_NUMBER = Pattern.compile(
            "(?:^|[/._])(?:layers?|blocks?|h|encoder_layer|decoder_layer|transformer_block)[._/]?(\\d+)(?:[/._]|$)",
            Pattern.CASE_INSENSITIVE);

    /**
     * One attention map of the model.
     *
     * @param layer       layer number: the number in the node's scope (e.g. 3 for
     *                    {@code /encoder/layer.3/attention/self/Softmax}) when every map has a
     *                    distinct one, else the position among the maps in graph order
     * @param label       "layer N"
     * @param scope       the Softmax node's name without its last part (e.g.
     *                    {@code /encoder/layer.3/attention/self}); "" for an unnamed node
     * @param softmaxNode name of the Softmax node
     * @param tensorName  the Softmax output: the tensor to capture, [batch, head, query, key]
     */
    public record AttentionPoint(int layer, String label, String scope, String softmaxNode, String tensorName) {
    }

    private AttentionFinder() {
    }

    /** The attention maps of a model, in graph order (empty when it has none). */
    public static List<AttentionPoint> find(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, NodeProto> producer = new HashMap<>();
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) producer.put(o, n);
            for (String i : n.getInputList()) consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
        }
        List<NodeProto> found = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Softmax") && n.getInputCount() == 1
                    && comesFromQueryKey(n.getInput(0), producer) && feedsValueMatMul(n.getOutput(0), consumers)) {
                found.add(n);
            }
        }
        List<Integer> numbers = new ArrayList<>();
        for (NodeProto n : found) numbers.add(layerNumber(n.getName()));
        boolean scoped = !numbers.contains(-1) && new HashSet<>(numbers).size() == numbers.size();
        List<AttentionPoint> points = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            NodeProto n = found.get(i);
            int layer = scoped ? numbers.get(i) : i;
            String name = n.getName();
            int slash = name.lastIndexOf('/');
            String scope = slash > 0 ? name.substring(0, slash) : "";
            points.add(new AttentionPoint(layer, "layer " + layer, scope, name, n.getOutput(0)));
        }
        return points;
    }

    /** The layer number in a node name, or -1. */
    static int layerNumber(String nodeName) {
        Matcher m = LAYER_NUMBER.matcher(nodeName);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** True when the tensor is (scaled, masked) Q·K^T: a MatMul whose B input is a transposed key. */
    private static boolean comesFromQueryKey(String tensor, Map<String, NodeProto> producer) {
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        Map<String, Integer> depth = new HashMap<>(Map.of(tensor, 0));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            NodeProto p = producer.get(t);
            if (p == null) continue;
            if (p.getOpType().equals("MatMul") && p.getInputCount() == 2 && isTransposedKey(p.getInput(1), producer)) return true;
            if (SCORE_OPS.contains(p.getOpType()) && depth.get(t) < MAX_STEPS) {
                for (String in : p.getInputList()) {
                    if (!depth.containsKey(in)) {
                        depth.put(in, depth.get(t) + 1);
                        todo.push(in);
                    }
                }
            }
        }
        return false;
    }

    /**
     * True when the tensor is K^T: made by a Transpose (or by a MatMul that yields K^T directly),
     * possibly followed by scaling (Mul/Div with the scale on either side), Reshape or Cast.
     */
    private static boolean isTransposedKey(String tensor, Map<String, NodeProto> producer) {
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        Map<String, Integer> depth = new HashMap<>(Map.of(tensor, 0));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            NodeProto p = producer.get(t);
            if (p == null) continue;
            if (p.getOpType().equals("Transpose") || p.getOpType().equals("MatMul")) return true;
            if (!KEY_OPS.contains(p.getOpType()) || depth.get(t) >= MAX_STEPS) continue;
            List<String> next = p.getOpType().equals("Reshape") || p.getOpType().equals("Cast")
                    ? List.of(p.getInput(0)) : p.getInputList();
            for (String in : next) {
                if (!depth.containsKey(in)) {
                    depth.put(in, depth.get(t) + 1);
                    todo.push(in);
                }
            }
        }
        return false;
    }

    private static boolean feedsValueMatMul(String tensor, Map<String, List<NodeProto>> consumers) {
        String t = tensor;
        for (int step = 0; step < MAX_STEPS; step++) {
            String next = null;
            for (NodeProto c : consumers.getOrDefault(t, List.of())) {
                if (c.getOpType().equals("MatMul") && c.getInput(0).equals(t)) return true;
                if (PROB_OPS.contains(c.getOpType())) next = c.getOutput(0);
            }
            if (next == null) return false;
            t = next;
        }
        return false;
    }
}
