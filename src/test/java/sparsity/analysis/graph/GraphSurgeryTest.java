package sparsity.analysis.graph;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sparsity.analysis.onnx.OnnxModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphSurgeryTest {

    private static Path file;
    private static ModelProto model;

    @BeforeAll
    static void load() throws Exception {
        file = MiniLm.model();
        model = OnnxModels.read(file);
    }

    @Test
    void exposedOutputsComeAfterTheModelsOwnAndLeaveItUnchanged() throws Exception {
        ModelProto edited = GraphSurgery.exposeOutputs(model, List.of(MiniLm.LAYER3_OUT, "/encoder/layer.0/attention/self/Softmax_output_0"));
        assertEquals(List.of(MiniLm.OUTPUT, MiniLm.LAYER3_OUT, "/encoder/layer.0/attention/self/Softmax_output_0"),
                GraphSurgery.outputNames(edited));
        assertEquals(List.of(MiniLm.OUTPUT), GraphSurgery.outputNames(model), "the argument is not changed");

        Map<String, long[][]> batch = MiniLm.batch(0, 1, 2);
        float[] clean = run(model, batch, MiniLm.OUTPUT);
        try (OrtSession s = ModelSessions.open(edited, file)) {
            Map<String, OnnxTensor> in = MiniLm.tensors(batch);
            try (OrtSession.Result r = s.run(in)) {
                OnnxTensor out = (OnnxTensor) r.get(MiniLm.OUTPUT).orElseThrow();
                assertArrayEquals(clean, MiniLm.floats(out), 1e-5f);
                OnnxTensor hidden = (OnnxTensor) r.get(MiniLm.LAYER3_OUT).orElseThrow();
                assertArrayEquals(new long[] {3, 8, MiniLm.HIDDEN}, hidden.getInfo().getShape());
                OnnxTensor attention = (OnnxTensor) r.get("/encoder/layer.0/attention/self/Softmax_output_0").orElseThrow();
                assertArrayEquals(new long[] {3, 12, 8, 8}, attention.getInfo().getShape());
            } finally {
                MiniLm.closeAll(in);
            }
        }
    }

    @Test
    void exposingAnIntegerTensorDeclaresItsType() throws Exception {
        ModelProto edited = GraphSurgery.exposeOutputs(model, List.of("/encoder/layer.0/attention/self/Shape_output_0"));
        try (OrtSession s = ModelSessions.open(edited, file)) {
            Map<String, OnnxTensor> in = MiniLm.tensors(MiniLm.batch(1));
            try (OrtSession.Result r = s.run(in)) {
                long[] shape = (long[]) r.get("/encoder/layer.0/attention/self/Shape_output_0").orElseThrow().getValue();
                assertArrayEquals(new long[] {1, 4, 384}, shape);
            } finally {
                MiniLm.closeAll(in);
            }
        }
    }

    @Test
    void spliceFeedsTheCapturedValueBackAndReproducesTheOutput() throws Exception {
        Map<String, long[][]> batch = MiniLm.batch(0, 1, 2);
        ModelProto exposed = GraphSurgery.exposeOutputs(model, List.of(MiniLm.LAYER3_OUT));
        float[] clean;
        float[] hidden;
        long[] hiddenShape;
        try (OrtSession s = ModelSessions.open(exposed, file)) {
            Map<String, OnnxTensor> in = MiniLm.tensors(batch);
            try (OrtSession.Result r = s.run(in)) {
                clean = MiniLm.floats((OnnxTensor) r.get(MiniLm.OUTPUT).orElseThrow());
                OnnxTensor h = (OnnxTensor) r.get(MiniLm.LAYER3_OUT).orElseThrow();
                hidden = MiniLm.floats(h);
                hiddenShape = h.getInfo().getShape();
            } finally {
                MiniLm.closeAll(in);
            }
        }

        ModelProto tail = GraphSurgery.splice(model, MiniLm.LAYER3_OUT);
        List<String> inputs = GraphSurgery.inputNames(tail);
        assertEquals(MiniLm.LAYER3_OUT, inputs.get(0), "the spliced tensor is the first input");
        assertTrue(inputs.contains("attention_mask"), "the tail still reads the mask: " + inputs);
        assertTrue(tail.getGraph().getNodeCount() < model.getGraph().getNodeCount() / 2,
                "layers 0-3 are cut away: " + tail.getGraph().getNodeCount() + " nodes left");
        assertEquals(List.of(MiniLm.OUTPUT), GraphSurgery.outputNames(tail));

        try (OrtSession s = ModelSessions.open(tail, file)) {
            Map<String, OnnxTensor> in = new java.util.HashMap<>();
            in.put(MiniLm.LAYER3_OUT, OnnxTensor.createTensor(ai.onnxruntime.OrtEnvironment.getEnvironment(),
                    java.nio.FloatBuffer.wrap(hidden), hiddenShape));
            for (String name : inputs.subList(1, inputs.size())) in.put(name, MiniLm.longTensor(batch.get(name)));
            try (OrtSession.Result r = s.run(in)) {
                float[] spliced = MiniLm.floats((OnnxTensor) r.get(MiniLm.OUTPUT).orElseThrow());
                assertArrayEquals(clean, spliced, 1e-4f);
            } finally {
                MiniLm.closeAll(in);
            }
        }
    }

    @Test
    void unknownNamesAreRefusedWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> GraphSurgery.exposeOutputs(model, List.of("/nope")));
        assertTrue(e.getMessage().contains("/nope"));
        e = assertThrows(IllegalArgumentException.class, () -> GraphSurgery.splice(model, "/nope"));
        assertTrue(e.getMessage().contains("/nope"));
    }

    @Test
    void tensorNamesAreTheNodeOutputsInGraphOrder() {
        List<String> names = GraphSurgery.tensorNames(model);
        assertTrue(names.indexOf(MiniLm.LAYER3_OUT) < names.indexOf(MiniLm.OUTPUT));
        assertEquals(MiniLm.OUTPUT, names.getLast());
        assertEquals(MiniLm.inputs(), GraphSurgery.inputNames(model));
    }

    private static float[] run(ModelProto m, Map<String, long[][]> batch, String output) throws OrtException {
        try (OrtSession s = ModelSessions.open(m, file)) {
            Map<String, OnnxTensor> in = MiniLm.tensors(batch);
            try (OrtSession.Result r = s.run(in)) {
                return MiniLm.floats((OnnxTensor) r.get(output).orElseThrow());
            } finally {
                MiniLm.closeAll(in);
            }
        }
    }
}
