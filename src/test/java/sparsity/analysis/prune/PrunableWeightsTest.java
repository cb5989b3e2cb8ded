package sparsity.analysis.prune;

import java.util.List;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrunableWeightsTest {

    @Test
    void miniLmHasSixLinearLayersPerBlock() throws Exception {
        ModelProto m = OnnxModels.read(SampleModels.path(SampleModels.MINILM));
        List<PrunableWeight> w = PrunableWeights.find(m);
        // per layer: query, key, value, attention output, intermediate, output = 6; 6 layers
        assertEquals(36, w.size());
        assertTrue(w.stream().allMatch(PrunableWeight::supported));
        PrunableWeight inter = w.stream().filter(p -> p.out() == 1536).findFirst().orElseThrow();
        assertEquals(384, inter.in());
        assertEquals(List.of(384L, 1536L), inter.shape(), "MatMul B is stored [in, out]");
        assertEquals(PrunableWeight.Layout.IN_OUT, inter.layout());
        assertEquals(6 * (4 * 384 * 384 + 2 * 384 * 1536), w.stream().mapToLong(PrunableWeight::count).sum());
    }

    @Test
    void gemmConvConstantAndQuantizedWeightsAreFound() {
        TensorProto gemmW = TensorProto.newBuilder().setName("fc.w").addDims(10).addDims(4)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).build();
        TensorProto convW = TensorProto.newBuilder().setName("conv.w").addDims(8).addDims(3).addDims(3).addDims(3)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).build();
        TensorProto constW = TensorProto.newBuilder().addDims(4).addDims(5).setDataType(TensorProto.DataType.FLOAT_VALUE).build();
        TensorProto qW = TensorProto.newBuilder().setName("q.w").addDims(5).addDims(6)
                .setDataType(TensorProto.DataType.INT8_VALUE).build();
        GraphProto g = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setName("conv").setOpType("Conv").addInput("img").addInput("conv.w").addOutput("c"))
                .addNode(NodeProto.newBuilder().setName("gemm").setOpType("Gemm").addInput("c").addInput("fc.w").addOutput("g")
                        .addAttribute(AttributeProto.newBuilder().setName("transB").setI(1).setType(AttributeProto.AttributeType.INT)))
                .addNode(NodeProto.newBuilder().setName("k").setOpType("Constant").addOutput("const.w")
                        .addAttribute(AttributeProto.newBuilder().setName("value").setT(constW).setType(AttributeProto.AttributeType.TENSOR)))
                .addNode(NodeProto.newBuilder().setName("mm").setOpType("MatMul").addInput("g").addInput("const.w").addOutput("h"))
                .addNode(NodeProto.newBuilder().setName("qmm").setOpType("MatMulInteger").addInput("h8").addInput("q.w").addOutput("y"))
                .addInitializer(gemmW).addInitializer(convW).addInitializer(qW).build();
        List<PrunableWeight> w = PrunableWeights.find(ModelProto.newBuilder().setGraph(g).build());
        assertEquals(List.of("conv.w", "fc.w", "const.w", "q.w"), w.stream().map(PrunableWeight::name).toList());
        PrunableWeight conv = w.get(0);
        assertEquals(8, conv.out());
        assertEquals(27, conv.in());
        PrunableWeight gemm = w.get(1);
        assertEquals(10, gemm.out(), "transB: stored [out, in]");
        assertEquals(PrunableWeight.Layout.OUT_IN, gemm.layout());
        assertTrue(w.get(2).fromConstant());
        assertEquals(5, w.get(2).out());
        assertFalse(w.get(3).supported());
        assertTrue(w.get(3).note().contains("not supported"), w.get(3).note());
    }

    @Test
    void layoutRoundTrip() {
        PrunableWeight p = new PrunableWeight("w", "n", "MatMul", List.of(2L, 3L), 3, 2, PrunableWeight.Layout.IN_OUT,
                false, true, "");
        float[] stored = {1, 2, 3, 4, 5, 6}; // [in=2, out=3]
        float[] outIn = p.toOutIn(stored);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, outIn);
        assertArrayEquals(stored, p.toStored(outIn));
        assertEquals(3, p.storedIndex(0, 1));
    }
}
