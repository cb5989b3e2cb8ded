package sparsity.analysis.prune;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Finds the weights that pruning can touch: the weight inputs of MatMul, Gemm and Conv, whether
 * stored as initializers or as Constant nodes. Quantized weights (MatMulInteger, QLinearMatMul,
 * QLinearConv, ConvInteger, or int8/uint8 tensors behind DequantizeLinear) are listed as not
 * supported: a mask would have to be applied before quantization, and re-quantizing is out of
 * scope, so they are reported and left alone.
 */
public final class PrunableWeights {

    private static final Set<String> QUANTIZED_OPS = Set.of("MatMulInteger", "QLinearMatMul", "QLinearConv", "ConvInteger");

    private PrunableWeights() {
    }

    public static List<PrunableWeight> find(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> stored = new HashMap<>();
        Map<String, Boolean> constant = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            stored.put(t.getName(), t);
            constant.put(t.getName(), false);
        }
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("Constant") || n.getOutputCount() == 0) continue;
            for (AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals("value") && a.hasT()) {
                    stored.put(n.getOutput(0), a.getT().toBuilder().setName(n.getOutput(0)).build());
                    constant.put(n.getOutput(0), true);
                }
            }
        }
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) for (String o : n.getOutputList()) producers.put(o, n);

        List<PrunableWeight> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            String op = n.getOpType();
            if (op.equals("MatMul") && n.getInputCount() == 2) {
                String w = n.getInput(1);
                TensorProto t = stored.get(w);
                if (t == null) {
                    // x @ W with W behind DequantizeLinear: quantized, reported
                    NodeProto p = producers.get(w);
                    if (p != null && p.getOpType().equals("DequantizeLinear") && stored.containsKey(p.getInput(0))) {
                        TensorProto q = stored.get(p.getInput(0));
                        if (seen.add(q.getName())) out.add(quantized(q, n, constant.get(q.getName()), "int weights behind DequantizeLinear"));
                    }
                    continue;
                }
                if (t.getDimsCount() != 2 || !seen.add(w)) continue;
                out.add(floatOrQuantized(t, n, (int) t.getDims(1), (int) t.getDims(0), PrunableWeight.Layout.IN_OUT,
                        constant.get(w)));
            } else if (op.equals("Gemm") && n.getInputCount() >= 2) {
                String w = n.getInput(1);
                TensorProto t = stored.get(w);
                if (t == null || t.getDimsCount() != 2 || !seen.add(w)) continue;
                boolean transB = intAttr(n, "transB") == 1;
                int out0 = (int) (transB ? t.getDims(0) : t.getDims(1));
                int in0 = (int) (transB ? t.getDims(1) : t.getDims(0));
                out.add(floatOrQuantized(t, n, out0, in0, transB ? PrunableWeight.Layout.OUT_IN : PrunableWeight.Layout.IN_OUT,
                        constant.get(w)));
            } else if (op.equals("Conv") && n.getInputCount() >= 2) {
                String w = n.getInput(1);
                TensorProto t = stored.get(w);
                if (t == null || t.getDimsCount() < 3 || !seen.add(w)) continue;
                long per = 1;
                for (int d = 1; d < t.getDimsCount(); d++) per *= t.getDims(d);
                out.add(floatOrQuantized(t, n, (int) t.getDims(0), (int) per, PrunableWeight.Layout.OUT_IN, constant.get(w)));
            } else if (QUANTIZED_OPS.contains(op)) {
                int idx = op.startsWith("QLinear") ? 3 : 1;
                if (n.getInputCount() > idx) {
                    TensorProto t = stored.get(n.getInput(idx));
                    if (t != null && seen.add(t.getName())) out.add(quantized(t, n, constant.get(t.getName()), op + " weights"));
                }
            }
        }
        return List.copyOf(out);
    }

    private static PrunableWeight floatOrQuantized(TensorProto t, NodeProto n, int outF, int inF,
                                                   PrunableWeight.Layout layout, boolean fromConstant) {
        boolean isFloat = t.getDataType() == TensorProto.DataType.FLOAT_VALUE;
        String note = isFloat ? "" : "weights of type " + TensorProto.DataType.forNumber(t.getDataType()).name().toLowerCase(java.util.Locale.ROOT)
                + " are not supported (masks apply to float32 weights)";
        return new PrunableWeight(t.getName(), n.getName(), n.getOpType(), List.copyOf(t.getDimsList()), outF, inF, layout,
                fromConstant, isFloat, note);
    }

    private static PrunableWeight quantized(TensorProto t, NodeProto n, Boolean fromConstant, String what) {
        int outF = t.getDimsCount() >= 2 ? (int) t.getDims(1) : 1;
        int inF = t.getDimsCount() >= 1 ? (int) t.getDims(0) : 1;
        return new PrunableWeight(t.getName(), n.getName(), n.getOpType(), List.copyOf(t.getDimsList()), outF, inF,
                PrunableWeight.Layout.IN_OUT, fromConstant != null && fromConstant, false,
                "quantized " + what + ": not supported; prune the float model, then quantize it");
    }

    private static long intAttr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
        return 0;
    }
}
