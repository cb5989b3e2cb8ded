package sparsity.app.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.onnx.OnnxModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.cli.InspectCommandTest.cli;

/**
 * prune sweep on the MNIST sample writes the curve (CSV with the dense row and the 0% point at
 * the dense accuracy, PNG), the per-layer sparsities, the sensitivity heatmap and the TEAL
 * curve; bad arguments are one-line errors.
 */
class PruneSweepCommandTest {

    @TempDir
    Path tmp;

    @Test
    void writesCurveSensitivityAndTealFiles() throws Exception {
        Path out = tmp.resolve("sweep");
        InspectCommandTest.Run r = cli("prune", "sweep", "--model", "mnist-mlp", "--methods", "magnitude,lamp,wanda", "--levels", "0,50,90",
                "--nm", "2:4", "--sensitivity", "--sensitivity-levels", "0,90", "--teal", "0,50", "--keep-models", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("dense    accuracy 0.9745 (1,949 of 2,000 correct)"), r.out());

        List<String> curve = Files.readAllLines(out.resolve("curve.csv"));
        assertTrue(curve.getFirst().startsWith("method,level,accuracy,actual_sparsity,seconds"), curve.getFirst());
        assertTrue(curve.get(1).startsWith("dense,0,0.9745,0,"), curve.get(1));
        assertEquals(1 + 1 + 3 * 3 + 2, curve.size(), "header, dense, 3 methods x 3 levels, magnitude 2:4 and wanda 2:4");
        for (String m : List.of("magnitude", "lamp", "wanda")) {
            assertTrue(curve.stream().anyMatch(l -> l.startsWith(m + ",0,0.9745,0,")), m + " at 0% is the dense accuracy: " + curve);
        }
        assertTrue(curve.stream().anyMatch(l -> l.startsWith("wanda 2:4,0.5,")), curve.toString());
        assertTrue(Files.readAllLines(out.resolve("layers.csv")).size() > 3 * 11);

        List<String> sens = Files.readAllLines(out.resolve("sensitivity.csv"));
        assertEquals(4, sens.size(), "header and 3 layers");
        assertTrue(sens.getFirst().contains("drop_at_0,drop_at_90"), sens.getFirst());
        assertTrue(sens.getFirst().contains("chosen_lamp_at_90"), sens.getFirst());
        for (String row : sens.subList(1, 4)) assertTrue(row.contains(",0,"), "no drop at 0%: " + row);

        List<String> teal = Files.readAllLines(out.resolve("teal.csv"));
        assertTrue(teal.get(2).startsWith("point,0,0.9745,"), "TEAL at p = 0 is the dense model: " + teal.get(2));

        for (String png : List.of("curve.png", "sensitivity.png", "teal.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertTrue(img.getWidth() >= 800 && img.getHeight() >= 400, png);
        }
        Path kept = out.resolve("models").resolve("lamp-90.onnx");
        OnnxModels.verifyWithRuntime(kept);
    }

    @Test
    void badArgumentsAreOneLineErrors() throws Exception {
        Path out = tmp.resolve("x");
        Path labels = tmp.resolve("labels.npy");
        sparsity.analysis.input.Npy.write(labels, new long[] {1, 2, 3}, 3);
        var bad = cli("prune", "sweep", "--model", "mnist-mlp", "--eval", sparsity.analysis.samples.SampleModels.dataFile("mnist-test-images.npy").toString(),
                "--labels", labels.toString(), "--levels", "0", "--out", out.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("holds 3 labels for 2000 examples"), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        var r = cli("prune", "sweep", "--model", "mnist-mlp", "--methods", "nonsense", "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("no pruning method 'nonsense'"), r.err());
        r = cli("prune", "sweep", "--model", "mnist-mlp", "--levels", "0,150", "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("percentages from 0 to 100"), r.err());
        r = cli("prune", "sweep", "--model", "mnist-mlp", "--metric", "cosinus", "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown metric"), r.err());
        r = cli("prune", "sweep", "--model", "mnist-mlp", "--methods", "lamp", "--nm", "2:4", "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--nm goes with"), r.err());
        r = cli("prune", "sweep", "--model", "tiny-transformer", "--metric", "accuracy", "--levels", "0", "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("accuracy needs one class label per example"), r.err());
    }
}
