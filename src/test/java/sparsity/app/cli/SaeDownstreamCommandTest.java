package sparsity.app.cli;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.cli.InspectCommandTest.cli;

/** {@code ./workbench sae eval --downstream}: capture, train and splice back on the MNIST sample, headless. */
class SaeDownstreamCommandTest {

    @TempDir
    Path tmp;

    @Test
    void evalPrintsTheSplicedAccuracyOfTheMnistSample() throws Exception {
        String images = SampleModels.dataFile("mnist-test-images.npy").toString();
        String labels = SampleModels.dataFile("mnist-test-labels.npy").toString();
        Path store = tmp.resolve("store");
        InspectCommandTest.Run c = cli("capture", "--model", "mnist-mlp", "--input", images, "--tensors", "/relu1/Relu_output_0",
                "--batch", "250", "--out", store.toString());
        assertEquals(0, c.status(), c.err());
        Path sae = tmp.resolve("sae");
        InspectCommandTest.Run t = cli("sae", "train", "--store", store.toString(), "--k", "32", "--latents", "1024", "--tokens", "60000",
                "--batch", "250", "--lr", "2e-3", "--holdout", "0.5", "--out", sae.toString());
        assertEquals(0, t.status(), t.err());

        InspectCommandTest.Run ev = cli("sae", "eval", "--sae", sae.toString(), "--store", store.toString(), "--downstream", images,
                "--labels", labels);
        assertEquals(0, ev.status(), ev.err());
        System.out.println(ev.out());
        assertTrue(ev.out().contains("downstream  /relu1/Relu_output_0 spliced into mnist-mlp.onnx: 2,000 examples"), ev.out());
        String acc = ev.out().lines().filter(l -> l.contains("accuracy on 2,000 labelled examples")).findFirst().orElseThrow();
        assertTrue(acc.contains("clean 97.45% (1949)"), acc);
        double spliced = Double.parseDouble(acc.replaceAll(".*spliced ([0-9.]+)%.*", "$1"));
        assertTrue(spliced > 94.45 && spliced <= 100, acc);
        assertTrue(ev.out().contains("KL "), ev.out());

        InspectCommandTest.Run bad = cli("sae", "eval", "--sae", sae.toString(), "--store", store.toString(), "--downstream", images,
                "--labels", SampleModels.dataFile("tiny-transformer-eval.npy").toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("labels are integers [examples]"), bad.err());
    }
}
