package sparsity.app.ui;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javafx.scene.control.Label;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import sparsity.analysis.samples.SampleModels;
import sparsity.app.cli.WorkbenchCli;
import sparsity.app.sae.SaeRecord;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.Provenance;
import sparsity.sae.eval.DownstreamSummary;
import sparsity.sae.train.RunSummary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.ui.CaptureUiTest.fx;

/**
 * After training on a capture of the MNIST sample from the window: the autoencoder is spliced into
 * the model over the capture's own digits at once (accuracy in the comparison), and its latents
 * open in the latent browser.
 */
class SaeBrowseUiTest extends MainWindowUiTest {

    private String status() {
        return fx(() -> window.scene().lookup("#statusMessage") instanceof Label l ? l.getText() : "");
    }

    @Test
    void aTrainedAutoencoderIsSplicedIntoItsModelAndItsLatentsBrowse(FxRobot robot) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "sae-browse");
        Path images = SampleModels.dataFile("mnist-test-images.npy");
        Path store = dir.resolve("mnist-relu1");
        StringWriter err = new StringWriter();
        int st = WorkbenchCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "capture", "--model", "mnist-mlp",
                "--input", images.toString(), "--tensors", "/relu1/Relu_output_0", "--batch", "250", "--out", store.toString());
        assertEquals(0, st, err.toString());
        // the store as the capture dialog would have recorded it: its inputs in the provenance
        Artifact a = new Artifact("store-mnist", Artifact.STORE, "mnist-relu1", null, new Provenance(store.toString(), null,
                Map.of("folder", store.toString(), "input.kind", "NPY", "input.path", images.toString()), Instant.now().toString(), "test"));
        CaptureUiTest.run(() -> window.captures().restore(dir, List.of(a)));
        UiFixtures.waitUntil(30, () -> fx(() -> window.captures().store("store-mnist")
                .map(r -> r.state() == sparsity.app.capture.StoreRecord.State.COMPLETE).orElse(false)));
        sparsity.sae.train.TrainingRun.Settings d = sparsity.sae.train.TrainingRun.Settings.defaults(store, "topk", 32, 40_000,
                dir.resolve("sae-mnist"));
        sparsity.sae.train.TrainingRun.Settings s = new sparsity.sae.train.TrainingRun.Settings(store, null, "topk", 32, 512, 8, 40_000, 250,
                2e-3, 0, 0, 0, "none", 0, 0, d.auxAlpha(), 5, 0, 0.5, 1, 0.5, 0, 0, "vector", dir.resolve("sae-mnist"));
        CaptureUiTest.run(() -> window.autoencoders().enqueue(List.of(s)));
        UiFixtures.waitUntil(180, () -> Files.isRegularFile(dir.resolve("sae-mnist").resolve(DownstreamSummary.FILE))
                && status().startsWith("Downstream of sae-mnist"), this::status);
        DownstreamSummary ds = DownstreamSummary.read(dir.resolve("sae-mnist")).orElseThrow();
        assertEquals(2000, ds.examples());
        assertEquals(0.9745, ds.cleanAccuracy(), 1e-12, "the sample's 1,949 of 2,000");
        assertTrue(ds.splicedAccuracy() > 0.9 && ds.splicedAccuracy() <= 1, "spliced accuracy " + ds.splicedAccuracy());
        assertTrue(ds.cosine() > 0.9, "logits cosine " + ds.cosine());
        UiFixtures.waitUntil(30, () -> fx(() -> window.autoencoders().runs().runs().stream()
                .anyMatch(r -> r.downstream() != null && r.downstream().examples() == 2000)));
        assertTrue(status().contains("accuracy"), status());

        SaeRecord r = fx(() -> window.autoencoders().all().getFirst());
        assertEquals(SaeRecord.State.DONE, r.state());
        CaptureUiTest.run(() -> window.autoencoders().browse(r.id()));
        UiFixtures.waitUntil(60, () -> fx(() -> window.autoencoders().browser(r.id()).isPresent()));
        UiFixtures.waitUntil(120, () -> fx(() -> window.autoencoders().browser(r.id()).orElseThrow().browser().viewModel().atlas() != null));
        var atlas = fx(() -> window.autoencoders().browser(r.id()).orElseThrow().browser().viewModel().atlas());
        assertEquals(512, atlas.latents());
        RunSummary sum = RunSummary.read(r.dir());
        assertEquals(512, sum.n());
    }
}
