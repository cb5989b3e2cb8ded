package sparsity.sae.format;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.sae.model.SaeParams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SaeLensFormatTest {

    @TempDir
    Path tmp;

    static SaeParams randomParams(int d, int n, long seed) {
        SaeParams p = new SaeParams(d, n);
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                p.wEnc.set(i, c, (float) r.nextGaussian());
                p.wDec.set(i, c, (float) r.nextGaussian());
            }
            p.bEnc.set(0, i, (float) r.nextGaussian());
        }
        for (int c = 0; c < d; c++) p.bPre.set(0, c, (float) r.nextGaussian());
        return p;
    }

    @Test
    void roundTripKeepsEveryWeightAndTheConfig() throws Exception {
        try (SaeParams p = randomParams(5, 7, 1); SaeParams back = new SaeParams(5, 7)) {
            float[] density = {-1, -2, -3, -4, -5, -6, -7};
            SaeLensFormat.writeTopK(tmp, p, 3, 1.0, "/encoder/layer.3/output", "all-minilm-l6-v2.onnx", density, Map.of("seed", 5));
            SaeLensSae s = SaeLensFormat.read(tmp);
            assertEquals("topk", s.architecture());
            assertEquals(3, s.k());
            assertEquals(5, s.dIn());
            assertEquals(7, s.dSae());
            assertEquals("/encoder/layer.3/output", s.cfg().get("hook_name"));
            assertEquals(5L, s.cfg().get("seed"));
            assertArrayEquals(density, s.logDensity());
            // W_enc is [d_in, d_sae]: element (c, i) is latent i's weight on input c
            assertEquals(p.wEnc.get(6, 4), s.wEnc()[4 * 7 + 6]);
            SaeLensFormat.load(s, back);
            assertArrayEquals(p.wEnc.toArray(), back.wEnc.toArray());
            assertArrayEquals(p.wDec.toArray(), back.wDec.toArray());
            assertArrayEquals(p.bEnc.toArray(), back.bEnc.toArray());
            assertArrayEquals(p.bPre.toArray(), back.bPre.toArray());
        }
    }

    @Test
    void activationScaleIsFoldedIntoTheExportedWeights() throws Exception {
        int d = 4;
        int n = 6;
        double s = 2.5;
        try (SaeParams p = randomParams(d, n, 2)) {
            SaeLensFormat.writeTopK(tmp, p, 2, s, "h", "m", null, null);
            SaeLensSae e = SaeLensFormat.read(tmp);
            assertEquals("none", e.cfg().get("normalize_activations"));
            float[] x = {0.3f, -1.2f, 2f, 0.7f};
            for (int i = 0; i < n; i++) {
                // trained model on scaled input s*x; exported model on raw x: same pre-activation
                double trained = p.bEnc.get(0, i);
                double exported = e.bEnc()[i];
                for (int c = 0; c < d; c++) {
                    trained += p.wEnc.get(i, c) * (s * x[c] - p.bPre.get(0, c));
                    exported += e.wEnc()[c * n + i] * (x[c] - e.bDec()[c]);
                }
                assertEquals(trained, exported, 1e-4 * Math.max(1, Math.abs(trained)));
            }
            // and the decoder gives back raw units: W_dec' z + b_dec' = (W_dec z + b_pre) / s
            for (int c = 0; c < d; c++) {
                double raw = (p.wDec.get(3, c) * 1.5 + p.bPre.get(0, c)) / s;
                assertEquals(raw, e.wDec()[3 * d + c] * 1.5 + e.bDec()[c], 1e-5);
            }
        }
    }

    /** A file written by hand to the safetensors spec: F16 and BF16 data, padded header, metadata. */
    @Test
    void readsAHandMadeSaeLensFolder() throws Exception {
        String cfg = "{\"d_in\": 2, \"d_sae\": 3, \"architecture\": \"topk\", \"activation_fn_kwargs\": {\"k\": 1},"
                + " \"hook_name\": \"blocks.0.hook_resid_pre\", \"normalize_activations\": \"none\"}";
        Files.writeString(tmp.resolve("cfg.json"), cfg);
        // W_enc [2,3] F16 = 1..6 ; b_enc [3] BF16 = 0.5, -1, 2 ; W_dec [3,2] F32 ; b_dec [2] F32
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"W_enc\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b_enc\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]},"
                + "\"W_dec\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[18,42]},"
                + "\"b_dec\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[42,50]}}    ";
        ByteBuffer data = ByteBuffer.allocate(50).order(ByteOrder.LITTLE_ENDIAN);
        for (int v = 1; v <= 6; v++) data.putShort(Float.floatToFloat16(v));
        for (float v : new float[] {0.5f, -1f, 2f}) data.putShort((short) (Float.floatToIntBits(v) >>> 16));
        for (float v : new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, -1f, 1f}) data.putFloat(v);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        file.write(h);
        file.write(data.array());
        Files.write(tmp.resolve("sae_weights.safetensors"), file.toByteArray());

        SaeLensSae s = SaeLensFormat.read(tmp);
        assertEquals(1, s.k());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, s.wEnc());
        assertArrayEquals(new float[] {0.5f, -1f, 2f}, s.bEnc());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, s.wDec());
        assertArrayEquals(new float[] {-1f, 1f}, s.bDec());
        assertEquals("blocks.0.hook_resid_pre", s.cfg().get("hook_name"));
    }

    @Test
    void wrongShapesAndMissingFilesAreNamed() throws Exception {
        Files.writeString(tmp.resolve("cfg.json"), "{\"d_in\": 3, \"d_sae\": 3, \"architecture\": \"topk\", \"k\": 1}");
        assertTrue(assertThrows(java.io.IOException.class, () -> SaeLensFormat.read(tmp)).getMessage().contains("sae_weights"));
        try (SaeParams p = randomParams(2, 3, 3)) {
            Path other = tmp.resolve("other");
            SaeLensFormat.writeTopK(other, p, 1, 1, "h", "m", null, null);
            Files.copy(other.resolve("sae_weights.safetensors"), tmp.resolve("sae_weights.safetensors"));
        }
        String m = assertThrows(java.io.IOException.class, () -> SaeLensFormat.read(tmp)).getMessage();
        assertTrue(m.contains("W_enc has shape [2, 3]"), m);
        assertTrue(assertThrows(java.io.IOException.class, () -> SaeLensFormat.read(tmp.resolve("none"))).getMessage().contains("not a SAELens folder"));
    }
}
