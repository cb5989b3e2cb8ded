package sparsity.analysis.prune;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;

/**
 * Reads prunable weights out of a model and writes pruned ones back: the initializer (or the
 * Constant node's value) of each weight is replaced by float32 raw data of the same shape, so the
 * pruned model runs under ONNX Runtime exactly as the masked computation. Weights kept in
 * external data files are read by the caller (see {@link sparsity.analysis.onnx.OnnxModels}).
 */
public final class PrunedModels {

    private PrunedModels() {
    }

    /** The stored values of a float weight (initializer or Constant), in its stored layout. */
    public static float[] stored(ModelProto model, PrunableWeight w) {
        return stored(model, w.name());
    }

    /** The values of any stored float32 tensor (initializer or Constant) by name, e.g. a bias. */
    public static float[] stored(ModelProto model, String name) {
        TensorProto t = find(model.getGraph(), name);
        if (t == null) throw new IllegalArgumentException("no stored tensor " + name);
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) throw new IllegalArgumentException(name + " is not float32");
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException(name + " is kept in an external data file; pruning such models is not supported yet");
        }
        if (!t.getRawData().isEmpty()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] f = new float[b.remaining() / 4];
            b.asFloatBuffer().get(f);
            return f;
        }
        float[] f = new float[t.getFloatDataCount()];
        for (int i = 0; i < f.length; i++) f[i] = t.getFloatData(i);
        return f;
    }

    /** A copy of the model with the given weights (name to values in stored layout) replaced. */
    public static ModelProto withWeights(ModelProto model, Map<String, float[]> weights) {
        Map<String, float[]> left = new LinkedHashMap<>(weights);
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            float[] v = left.remove(t.getName());
            if (v != null) g.setInitializer(i, replaced(t, v));
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (!n.getOpType().equals("Constant") || n.getOutputCount() == 0 || !left.containsKey(n.getOutput(0))) continue;
            float[] v = left.remove(n.getOutput(0));
            NodeProto.Builder nb = n.toBuilder();
            for (int a = 0; a < nb.getAttributeCount(); a++) {
                AttributeProto attr = nb.getAttribute(a);
                if (attr.getName().equals("value")) nb.setAttribute(a, attr.toBuilder().setT(replaced(attr.getT(), v)));
            }
            g.setNode(i, nb);
        }
        if (!left.isEmpty()) throw new IllegalArgumentException("no such weights: " + left.keySet());
        return model.toBuilder().setGraph(g).build();
    }

    /**
     * A copy of the model with a saved mask applied: every masked tensor gets the artifact's
     * values (SparseGPT's updated weights) or its own, with the pruned entries set to zero.
     *
     * @throws IllegalArgumentException when a masked tensor is missing or has another shape
     */
    public static ModelProto apply(ModelProto model, MaskArtifact mask) {
        return withWeights(model, values(model, mask));
    }

    /**
     * The values {@link #apply(ModelProto, MaskArtifact)} writes: each masked tensor (the mask's
     * updated values, else the model's) with its pruned entries zero.
     *
     * @throws IllegalArgumentException when a masked tensor is missing or of another shape
     */
    public static Map<String, float[]> values(ModelProto model, MaskArtifact mask) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (var e : mask.masks().entrySet()) {
            String name = e.getKey();
            List<Long> shape = shape(model, name);
            if (shape == null) {
                throw new IllegalArgumentException("the model has no tensor " + name + " (the mask was made for " + mask.provenance().model() + ")");
            }
            if (!shape.equals(e.getValue().shape())) {
                throw new IllegalArgumentException("tensor " + name + " has shape " + shape + " in the model, " + e.getValue().shape() + " in the mask");
            }
            float[] v = mask.weights().containsKey(name) ? mask.weights().get(name).clone() : stored(model, name).clone();
            boolean[] keep = e.getValue().keep();
            for (int i = 0; i < v.length; i++) if (!keep[i]) v[i] = 0;
            values.put(name, v);
        }
        return values;
    }

    private static TensorProto replaced(TensorProto t, float[] v) {
        long n = 1;
        for (long d : t.getDimsList()) n *= d;
        if (n != v.length) throw new IllegalArgumentException(t.getName() + " holds " + n + " values, got " + v.length);
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** The stored shape of a tensor (initializer or Constant), or null when there is none. */
    public static java.util.List<Long> shape(ModelProto model, String name) {
        TensorProto t = find(model.getGraph(), name);
        return t == null ? null : java.util.List.copyOf(t.getDimsList());
    }

    private static TensorProto find(GraphProto g, String name) {
        for (TensorProto t : g.getInitializerList()) if (t.getName().equals(name)) return t;
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getOutputCount() > 0 && n.getOutput(0).equals(name)) {
                for (AttributeProto a : n.getAttributeList()) if (a.getName().equals("value")) return a.getT();
            }
        }
        return null;
    }

    /** Names of the supported prunable weights. */
    public static List<PrunableWeight> supported(ModelProto model) {
        List<PrunableWeight> out = new ArrayList<>();
        for (PrunableWeight w : PrunableWeights.find(model)) if (w.supported()) out.add(w);
        return out;
    }
}
