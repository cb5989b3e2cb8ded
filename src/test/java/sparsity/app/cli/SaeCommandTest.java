package sparsity.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.input.Npy;
import sparsity.sae.data.SyntheticActivations;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.format.SaeLensSae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.cli.InspectCommandTest.cli;

class SaeCommandTest {

    @TempDir
    Path tmp;

    @Test
    void backendsListsWhatThisMachineOffersAndWhyNoGpu() {
        InspectCommandTest.Run r = cli("sae", "backends");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("vector ") || r.out().contains("\nvector "), r.out());
        assertTrue(r.out().contains("CPU, Vector API kernels"), r.out());
        sparsity.kernels.cuda.Cuda.Availability a = sparsity.kernels.cuda.Cuda.probe();
        if (a.available()) {
            assertTrue(r.out().contains("cuda       GPU " + a.summary() + ": encoder product in fp32"), r.out());
            assertTrue(r.out().contains("cuda-tf32  GPU "), r.out());
            assertTrue(r.out().contains("cuda-bf16  GPU "), r.out());
        } else {
            assertTrue(!java.util.regex.Pattern.compile("(?m)^cuda").matcher(r.out()).find(), "no GPU backend listed: " + r.out());
            assertTrue(r.out().contains("no GPU backend: " + a.reason()), r.out());
        }
    }

    @Test
    void trainWritesSaeLensFilesAndMetricsAndEvalReadsThemBack() throws Exception {
        int d = 16;
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(d, 2));
        Path npy = tmp.resolve("acts.npy");
        Npy.write(npy, data.rows(0, 20_000), 20_000, d);
        Path store = tmp.resolve("store");
        assertEquals(0, cli("store", "import", npy.toString(), "--out", store.toString()).status());

        Path out = tmp.resolve("sae");
        InspectCommandTest.Run r = cli("sae", "train", "--store", store.toString(), "--k", "4", "--latents", "64",
                "--tokens", "60000", "--batch", "256", "--lr", "5e-3", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("held-out"), r.out());
        SaeLensSae s = SaeLensFormat.read(out);
        assertEquals(16, s.dIn());
        assertEquals(64, s.dSae());
        assertEquals(4, s.k());
        assertEquals("activations", s.cfg().get("hook_name"));
        List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals("step,tokens,loss,nmse,fvu,l0,aux_loss,dead,lr", metrics.get(0));
        assertEquals(1 + (60000 + 255) / 256, metrics.size());
        double first = Double.parseDouble(metrics.get(1).split(",")[4]);
        double last = Double.parseDouble(metrics.get(metrics.size() - 1).split(",")[4]);
        assertTrue(last < 0.5 * first, "FVU falls during training: " + first + " -> " + last);

        InspectCommandTest.Run ev = cli("sae", "eval", "--sae", out.toString(), "--store", store.toString(), "--rows", "2048");
        assertEquals(0, ev.status(), ev.err());
        String line = ev.out().lines().filter(l -> l.startsWith("eval")).findFirst().orElseThrow();
        double fvu = Double.parseDouble(line.replaceAll(".*FVU ([0-9.]+).*", "$1"));
        assertTrue(fvu < 0.5 && fvu > 0, line);
        assertTrue(line.contains("L0 4.00"), line);

        // known features of synthetic data: the mean max cosine of the decoder to them
        Path features = tmp.resolve("features.npy");
        Npy.write(features, data.features(), data.spec().m(), d);
        InspectCommandTest.Run rec = cli("sae", "eval", "--sae", out.toString(), "--store", store.toString(), "--rows", "2048",
                "--features", features.toString());
        assertEquals(0, rec.status(), rec.err());
        String rl = rec.out().lines().filter(l -> l.startsWith("recovery")).findFirst().orElseThrow();
        double mmcs = Double.parseDouble(rl.replaceAll(".*mean max cosine ([0-9.]+).*", "$1"));
        assertTrue(rl.contains("64 true features"), rl);
        assertTrue(mmcs > 0.3 && mmcs <= 1, rl);
        Npy.write(features, new float[] {1, 2, 3}, 1, 3);
        assertEquals(2, cli("sae", "eval", "--sae", out.toString(), "--store", store.toString(), "--features", features.toString()).status());
    }

    @Test
    void badArgumentsExitTwo() throws Exception {
        InspectCommandTest.Run r = cli("sae", "train", "--store", tmp.resolve("none").toString(), "--tokens", "10",
                "--out", tmp.resolve("o").toString());
        assertEquals(2, r.status());
        InspectCommandTest.Run arch = cli("sae", "eval", "--sae", tmp.toString(), "--store", tmp.toString());
        assertEquals(2, arch.status());
    }
}
