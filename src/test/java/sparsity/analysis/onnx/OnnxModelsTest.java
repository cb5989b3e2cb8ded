package sparsity.analysis.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxModelsTest {

    private static ModelSummary minilm;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readMiniLm() throws Exception {
        minilm = OnnxModels.summarize(SampleModels.path(SampleModels.MINILM), ProgressListener.NONE);
    }

    @Test
    void miniLmInterfaceMatchesTheRealModel() {
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"),
                minilm.inputs().stream().map(TensorSpec::name).toList());
        for (TensorSpec in : minilm.inputs()) {
            assertEquals("int64", in.elementType());
            assertEquals(List.of("batch_size", "sequence_length"), in.shape());
        }
        assertEquals(1, minilm.outputs().size());
        TensorSpec out = minilm.outputs().get(0);
        assertEquals("last_hidden_state", out.name());
        assertEquals("float", out.elementType());
        assertEquals("[batch_size, sequence_length, 384]", out.shapeText());
        assertEquals(6, minilm.count("Softmax"));
        assertEquals(48, minilm.count("MatMul"));
        assertEquals(637, minilm.nodeCount());
        assertEquals(11, minilm.defaultOpset());
        assertEquals("pytorch", minilm.producerName());
        assertEquals("759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e", minilm.sha256());
    }

    @Test
    void miniLmParametersAndTensors() {
        ParameterStats emb = minilm.parameters().stream()
                .filter(p -> p.name().equals("embeddings.word_embeddings.weight")).findFirst().orElseThrow();
        assertEquals(List.of(30522L, 384L), emb.shape());
        assertEquals(30522L * 384, emb.count());
        assertEquals(30522L * 384 * 4, emb.bytes());
        assertEquals(Arrays.stream(emb.histogram()).sum(), emb.count());
        // initializers alone hold the 22.6M parameters of all-MiniLM-L6-v2 (Constant nodes add the rest)
        long init = minilm.parameters().stream().filter(p -> !p.fromConstantNode()).mapToLong(ParameterStats::count).sum();
        assertTrue(init > 22_500_000 && init < 22_800_000, "initializer parameters " + init);
        assertEquals(minilm.parameters().stream().mapToLong(ParameterStats::count).sum(), minilm.totalParameters());
        List<GraphTensor> softmax = minilm.tensors().stream().filter(t -> t.producerOp().equals("Softmax")).toList();
        assertEquals(6, softmax.size());
        assertEquals("/encoder/layer.0/attention/self/Softmax_output_0", softmax.get(0).name());
        assertEquals("/encoder/layer.0", softmax.get(0).group());
        assertEquals("/encoder/layer.5", softmax.get(5).group());
    }

    @Test
    void handBuiltModelGivesKnownStatistics() throws Exception {
        Path f = TinyModels.write(TinyModels.model(13).build(), tmp.resolve("tiny.onnx"));
        ModelSummary s = OnnxModels.summarize(f, ProgressListener.NONE);
        assertEquals(List.of("x"), s.inputs().stream().map(TensorSpec::name).toList(), "initializers are not inputs");
        assertEquals("[batch, 3]", s.inputs().get(0).shapeText());
        assertEquals(8, s.totalParameters());
        ParameterStats w = s.parameters().get(0);
        assertEquals(2.0 / 6, w.zeroFraction(), 1e-12);
        assertEquals(3.0, w.maxAbs(), 0);
        long[] h = w.histogram();
        assertEquals(2, h[0], "the two zeros fall in the first bin");
        assertEquals(1, h[ParameterStats.HISTOGRAM_BINS - 1], "|3| is the max");
        assertEquals(0.5, s.parameters().get(1).zeroFraction(), 0, "float_data is read too");
        assertEquals(List.of("/layers.0", "/layers.0", "/layers.0", "/head"),
                s.tensors().stream().map(GraphTensor::group).toList());
        assertEquals("[batch, 2]", s.tensors().get(3).shapeText(), "graph outputs carry their shapes");
    }

    @Test
    void externalDataLoadsAndMissingExternalDataIsNamed() throws Exception {
        Path f = TinyModels.write(TinyModels.withExternalWeight(tmp), tmp.resolve("ext.onnx"));
        ModelSummary s = OnnxModels.summarize(f, ProgressListener.NONE);
        assertEquals(List.of("weights.bin"), s.externalDataFiles());
        assertEquals(2.0 / 6, s.parameters().get(0).zeroFraction(), 1e-12);
        assertEquals(3.0, s.parameters().get(0).maxAbs(), 0);

        Files.delete(tmp.resolve("weights.bin"));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxModels.summarize(f, ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.problem().contains("missing external data file 'weights.bin'"), e.problem());
    }

    @Test
    void badFilesGiveAClearMessageNamingTheFile() throws Exception {
        Path empty = Files.write(tmp.resolve("empty.onnx"), new byte[0]);
        assertProblem(empty, "the file is empty");

        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path random = Files.write(tmp.resolve("noise.onnx"), noise);
        assertProblem(random, "not an ONNX model");

        Path text = Files.writeString(tmp.resolve("readme.onnx"), "This is a text file, not a model.\n");
        assertProblem(text, "not an ONNX model");

        byte[] whole = Files.readAllBytes(SampleModels.path(SampleModels.MINILM));
        Path truncated = Files.write(tmp.resolve("truncated.onnx"), Arrays.copyOf(whole, whole.length / 3));
        assertProblem(truncated, "truncated");

        Path opset = TinyModels.write(TinyModels.model(99).build(), tmp.resolve("opset99.onnx"));
        assertProblem(opset, "unsupported opset 99");

        ModelProto.Builder unknownOp = TinyModels.model(13);
        unknownOp.getGraphBuilder().setNode(2, NodeProto.newBuilder().setName("bad").setOpType("NoSuchOperator")
                .addInput("/layers.0/fc/Add_output_0").addOutput("/layers.0/act/Relu_output_0"));
        Path rejected = TinyModels.write(unknownOp.build(), tmp.resolve("rejected.onnx"));
        ModelLoadException e = assertProblem(rejected, "ONNX Runtime rejected the model");
        assertTrue(e.problem().contains("NoSuchOperator"), e.problem());

        assertProblem(tmp.resolve("absent.onnx"), "no such file");
        assertProblem(tmp, "is a folder");
    }

    @Test
    void layerGroupsFollowScopedNames() {
        assertEquals("/encoder/layer.3", SummaryBuilder.group("/encoder/layer.3/attention/self/MatMul"));
        assertEquals("/embeddings", SummaryBuilder.group("/embeddings/LayerNorm/Add"));
        assertEquals("/transformer/h.11", SummaryBuilder.group("/transformer/h.11/attn/Softmax"));
        assertEquals("layers.0", SummaryBuilder.group("layers.0.attn.MatMul"));
        assertEquals("(top level)", SummaryBuilder.group("Softmax_12"));
    }

    private static ModelLoadException assertProblem(Path file, String expected) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxModels.summarize(file, ProgressListener.NONE));
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
        assertTrue(e.problem().contains(expected), "expected '" + expected + "' in: " + e.problem());
        return e;
    }

    @Test
    void progressIsReportedUpToOne() throws Exception {
        Path f = TinyModels.write(TinyModels.model(13).build(), tmp.resolve("p.onnx"));
        double[] last = {-1};
        OnnxModels.summarize(f, (fr, msg) -> last[0] = fr);
        assertArrayEquals(new double[] {1.0}, last);
    }
}
