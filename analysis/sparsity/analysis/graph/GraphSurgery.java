package sparsity.analysis.graph;

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
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Edits of an ONNX graph that capture and splicing need. Every method returns a new
 * {@link ModelProto} and leaves its argument unchanged; run the result with
 * {@link ModelSessions#open}.
 *
 * <ul>
 *   <li>{@link #exposeOutputs}: intermediate tensors become extra graph outputs, after the
 *       model's own outputs, which stay unchanged and first.</li>
 *   <li>{@link #splice}: the tail of the model from one tensor onward, with that tensor as its
 *       first graph input, so that a value you supply (a reconstruction, a thresholded
 *       activation) replaces it and flows on to the model's outputs.</li>
 * </ul>
 */
public final class GraphSurgery {

    private GraphSurgery() {
    }

    /**
     * Every intermediate tensor of the main graph (the outputs of its nodes), in graph order.
     * These are the names that {@link #exposeOutputs} and {@link #splice} accept.
     */
    public static List<String> tensorNames(ModelProto model) {
        List<String> names = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            for (String o : n.getOutputList()) if (!o.isEmpty()) names.add(o);
        }
        return names;
    }

    /** Names of the model's own graph outputs, in order. */
    public static List<String> outputNames(ModelProto model) {
        return model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
    }

    /** Names of the graph inputs that are fed at run time (initializers excluded), in order. */
    public static List<String> inputNames(ModelProto model) {
        Set<String> init = new HashSet<>();
        for (TensorProto t : model.getGraph().getInitializerList()) init.add(t.getName());
        return model.getGraph().getInputList().stream().map(ValueInfoProto::getName)
                .filter(n -> !init.contains(n)).toList();
    }

    /**
     * The model with {@code tensorNames} added as graph outputs (declared with their element type
     * and no shape), after the model's own outputs. Names that already are outputs are not added
     * twice.
     *
     * @throws IllegalArgumentException naming a tensor that no node of the graph produces
     */
    public static ModelProto exposeOutputs(ModelProto model, List<String> tensorNames) {
        GraphProto g = model.getGraph();
        Set<String> produced = new HashSet<>(tensorNames(model));
        Set<String> present = new HashSet<>(outputNames(model));
        Map<String, Integer> types = ElementTypes.of(g);
        GraphProto.Builder gb = g.toBuilder();
        for (String name : new LinkedHashSet<>(tensorNames)) {
            if (!produced.contains(name)) {
                throw new IllegalArgumentException("no tensor named '" + name + "' in the model's graph");
            }
            if (present.add(name)) gb.addOutput(valueInfo(name, types.getOrDefault(name, TensorProto.DataType.FLOAT_VALUE), null));
        }
        return model.toBuilder().setGraph(gb).build();
    }

    /**
     * The tail of the model that runs from {@code tensorName} onward: that tensor becomes the
     * first graph input of a model that keeps only the graph outputs depending on it and only the
     * nodes those outputs need. Nodes the tail needs that do not depend on the tensor (such as the
     * attention-mask arithmetic of a transformer) stay, and so do the original inputs they read,
     * after the spliced one.
     *
     * @throws IllegalArgumentException when no node produces the tensor or no graph output
     *                                  depends on it
     */
    public static ModelProto splice(ModelProto model, String tensorName) {
        GraphProto g = model.getGraph();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String o : g.getNode(i).getOutputList()) if (!o.isEmpty()) producer.put(o, i);
        }
        if (!producer.containsKey(tensorName)) {
            throw new IllegalArgumentException("no tensor named '" + tensorName + "' in the model's graph");
        }
        List<List<String>> reads = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) reads.add(inputsOf(n));

        // the nodes downstream of the tensor, in graph order
        Set<String> tainted = new HashSet<>(Set.of(tensorName));
        for (int i = producer.get(tensorName) + 1; i < g.getNodeCount(); i++) {
            if (reads.get(i).stream().anyMatch(tainted::contains)) {
                for (String o : g.getNode(i).getOutputList()) if (!o.isEmpty()) tainted.add(o);
            }
        }
        List<ValueInfoProto> outputs = g.getOutputList().stream().filter(o -> tainted.contains(o.getName())).toList();
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("no output of the model depends on '" + tensorName + "'; there is nothing to splice into");
        }

        // the nodes those outputs need, cut at the tensor
        boolean[] keep = new boolean[g.getNodeCount()];
        Set<String> usedNames = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        outputs.forEach(o -> todo.push(o.getName()));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String t = todo.pop();
            if (!seen.add(t)) continue;
            usedNames.add(t);
            if (t.equals(tensorName)) continue;
            Integer p = producer.get(t);
            if (p == null || keep[p]) continue;
            keep[p] = true;
            for (String in : reads.get(p)) if (!in.isEmpty()) todo.push(in);
        }

        Map<String, Integer> types = ElementTypes.of(g);
        ValueInfoProto declared = g.getValueInfoList().stream().filter(v -> v.getName().equals(tensorName)).findFirst()
                .orElse(valueInfo(tensorName, types.getOrDefault(tensorName, TensorProto.DataType.FLOAT_VALUE), null));
        GraphProto.Builder gb = g.toBuilder().clearNode().clearInput().clearOutput().clearInitializer().clearValueInfo();
        gb.addInput(declared);
        for (ValueInfoProto in : g.getInputList()) if (usedNames.contains(in.getName())) gb.addInput(in);
        for (TensorProto t : g.getInitializerList()) if (usedNames.contains(t.getName())) gb.addInitializer(t);
        for (int i = 0; i < g.getNodeCount(); i++) if (keep[i]) gb.addNode(g.getNode(i));
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (usedNames.contains(v.getName()) && !v.getName().equals(tensorName)) gb.addValueInfo(v);
        }
        gb.addAllOutput(outputs);
        return model.toBuilder().setGraph(gb).build();
    }

    /** Element type (TensorProto.DataType number) of a tensor of the graph, or 0 when unknown. */
    public static int elementType(ModelProto model, String tensorName) {
        return ElementTypes.of(model.getGraph()).getOrDefault(tensorName, 0);
    }

    /** The tensors a node reads, including those its subgraphs (If, Loop, Scan) read from outside. */
    static List<String> inputsOf(NodeProto n) {
        List<String> all = new ArrayList<>(n.getInputList());
        for (AttributeProto a : n.getAttributeList()) {
            if (a.hasG()) subgraphInputs(a.getG(), all);
            for (GraphProto sg : a.getGraphsList()) subgraphInputs(sg, all);
        }
        return all;
    }

    private static void subgraphInputs(GraphProto sg, List<String> sink) {
        for (NodeProto n : sg.getNodeList()) sink.addAll(inputsOf(n));
    }

    static ValueInfoProto valueInfo(String name, int elemType, TypeProto.Tensor shapeSource) {
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder().setElemType(elemType);
        if (shapeSource != null && shapeSource.hasShape()) tt.setShape(shapeSource.getShape());
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }
}
