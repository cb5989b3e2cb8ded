package sparsity.analysis.prune;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mask files: the golden file of format version 1 still reads and is written byte for byte the
 * same; artifacts of real prunings round-trip, and applying a saved mask gives the same model
 * as the pruning did (SparseGPT's updated weights included).
 */
class MaskFileTest {

    @TempDir
    Path tmp;

    /** The artifact pinned in src/test/resources/prune/mask-v1.safetensors. */
    static MaskArtifact golden() {
        Map<String, MaskArtifact.Mask> masks = new LinkedHashMap<>();
        masks.put("fc.weight", new MaskArtifact.Mask(List.of(2L, 3L), new boolean[] {true, false, true, false, false, true}));
        masks.put("fc.bias", new MaskArtifact.Mask(List.of(3L), new boolean[] {true, true, false}));
        Map<String, float[]> weights = Map.of("fc.weight", new float[] {1.5f, 0f, -2.25f, 0f, 0f, 0.125f});
        MaskArtifact.Provenance p = new MaskArtifact.Provenance(1, "tiny.onnx", "ab".repeat(32), "sparsegpt", 0.5, "", "LAYER",
                List.of("fc*"), List.of("head"), 7, "3 texts from t.txt", 42, "", List.of(), "0.1.0-dev", "2025-01-02T03:04:05Z");
        return new MaskArtifact(p, masks, weights);
    }

    static void assertSameArtifact(MaskArtifact want, MaskArtifact got) {
        assertEquals(want.provenance(), got.provenance());
        assertEquals(want.masks().keySet(), got.masks().keySet());
        for (String k : want.masks().keySet()) {
            assertEquals(want.masks().get(k).shape(), got.masks().get(k).shape(), k);
            assertArrayEquals(want.masks().get(k).keep(), got.masks().get(k).keep(), k);
        }
        assertEquals(want.weights().keySet(), got.weights().keySet());
        for (String k : want.weights().keySet()) assertArrayEquals(want.weights().get(k), got.weights().get(k), 0f, k);
    }

    static Path goldenFile(Path tmp) throws IOException {
        Path f = tmp.resolve("golden.safetensors");
        try (InputStream in = MaskFileTest.class.getResourceAsStream("/prune/mask-v1.safetensors")) {
            assertNotNull(in, "the golden mask file is on the test class path");
            Files.copy(in, f);
        }
        return f;
    }

    @Test
    void goldenFormatVersion1ReadsAndIsWrittenTheSame() throws Exception {
        Path g = goldenFile(tmp);
        assertSameArtifact(golden(), MaskFile.read(g));
        assertEquals("{method=sparsegpt, sparsity=0.5, scope=LAYER, include=fc*, exclude=head, seed=7, calibration=3 texts from t.txt, "
                + "calibration_tokens=42}", MaskFile.read(g).provenance().settings().toString());
        Path again = tmp.resolve("again.safetensors");
        MaskFile.write(again, golden());
        String out = System.getProperty("sparsity.writeGoldenMask");
        if (out != null) Files.copy(again, Path.of(out), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertArrayEquals(Files.readAllBytes(g), Files.readAllBytes(again), "format version 1 is written byte for byte the same");
        // a plain safetensors reader sees the layout: header, then F32 weights (aligned) and U8 masks
        byte[] b = Files.readAllBytes(g);
        long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"mask:fc.weight\":{\"dtype\":\"U8\",\"shape\":[2,3],\"data_offsets\":[24,30]}"), header);
        assertTrue(header.contains("\"weight:fc.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"), header);
        assertEquals(8 + n + 33, b.length);
    }

    @Test
    void newerOrForeignFilesAreRefused() throws Exception {
        byte[] b = Files.readAllBytes(goldenFile(tmp));
        String s = new String(b, StandardCharsets.ISO_8859_1).replace("\"format_version\":\"1\"", "\"format_version\":\"9\"");
        Path newer = tmp.resolve("newer.safetensors");
        Files.write(newer, s.getBytes(StandardCharsets.ISO_8859_1));
        IOException e = assertThrows(IOException.class, () -> MaskFile.read(newer));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
        Path foreign = tmp.resolve("foreign.safetensors");
        Files.write(foreign, new String(b, StandardCharsets.ISO_8859_1).replace(MaskFile.FORMAT, "something-else-entirely")
                .getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(IOException.class, () -> MaskFile.read(foreign));
        assertTrue(e.getMessage().contains("not a mask file"), e.getMessage());
        Path junk = tmp.resolve("junk.safetensors");
        Files.writeString(junk, "hello");
        assertThrows(IOException.class, () -> MaskFile.read(junk));
    }

    @Test
    void realMasksRoundTripAndApplyToTheSameModel() throws Exception {
        Path file = SampleModels.path(SampleModels.MNIST_MLP);
        ModelProto m = OnnxModels.read(file);
        String sha = OnnxModels.sha256(file);
        Calibration cal = PruningTest.mnistCalibration();
        for (PruneSpec spec : List.of(PruneSpec.of("magnitude", 0).withNm(NM.TWO_FOUR), PruneSpec.of("sparsegpt", 0.6),
                PruneSpec.of("channels", 0.5), PruneSpec.of("lamp", 0.8).withExclude(List.of("fc3.weight")))) {
            PruneResult r = Pruning.apply(m, spec, cal, ProgressListener.NONE);
            MaskArtifact a = MaskArtifact.of(r, m, "mnist-mlp", sha, "test");
            assertEquals(r.method().updatesKept(), !a.weights().isEmpty(), spec.describe());
            Path f = tmp.resolve(spec.method() + ".safetensors");
            MaskFile.write(f, a);
            MaskArtifact back = MaskFile.read(f);
            assertSameArtifact(a, back);
            assertEquals("", back.checkModel(sha));
            ModelProto viaFile = PrunedModels.apply(m, back);
            ModelProto direct = r.applyTo(m);
            for (String name : r.weights().keySet()) {
                assertArrayEquals(PrunedModels.stored(direct, name), PrunedModels.stored(viaFile, name), 0f, spec.describe() + " " + name);
            }
            assertEquals(r.pruned() + (spec.method().equals("channels") ? 128 + 64 : 0), back.pruned(), "masks of biases count too");
            // the result a reopened workspace shows: the same masks, layers, figures and settings
            PruneResult again = back.toResult(m);
            assertEquals(r.spec(), again.spec(), spec.describe());
            assertEquals(r.method(), again.method());
            assertEquals(r.pruned(), again.pruned(), spec.describe());
            assertEquals(r.prunable(), again.prunable(), spec.describe());
            assertEquals(r.sparsity(), again.sparsity(), 0, spec.describe());
            assertEquals(r.masks().keySet(), again.masks().keySet());
            for (String name : r.masks().keySet()) assertArrayEquals(r.masks().get(name), again.masks().get(name), name);
            for (LayerReport l : r.layers()) {
                LayerReport b = again.layers().stream().filter(x -> x.name().equals(l.name())).findFirst().orElseThrow();
                assertEquals(l.pruned(), b.pruned(), l.name());
                assertEquals(l.status() == LayerReport.Status.PRUNED, b.status() == LayerReport.Status.PRUNED, l.name());
            }
            for (String name : r.weights().keySet()) {
                assertArrayEquals(PrunedModels.stored(direct, name), PrunedModels.stored(again.applyTo(m), name), 0f, name);
            }
            if (r.method().updatesKept()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> back.checkModel("00".repeat(32)));
                assertTrue(e.getMessage().contains("updated weights"), e.getMessage());
            } else {
                assertTrue(back.checkModel("00".repeat(32)).contains("another file"));
            }
        }
        MaskArtifact wrong = golden();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrunedModels.apply(m, wrong));
        assertTrue(e.getMessage().contains("no tensor fc.weight"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> wrong.toResult(m));
        assertTrue(e.getMessage().contains("no tensor fc.weight") && e.getMessage().contains("made for tiny.onnx"), e.getMessage());
    }
}
