package sparsity.app.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import sparsity.app.sae.SaeRecord;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.Provenance;
import sparsity.kernels.cuda.Cuda;
import sparsity.sae.train.RunSummary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.ui.CaptureUiTest.fx;

/**
 * The window on a machine with a CUDA GPU: the train dialog offers the GPU (by name, fp32, TF32
 * and bf16), a run chosen on it trains there (run.json names the backend) and reaches the held-out
 * FVU of the same run on the CPU (within 0.02 + 10%). With {@code -Dworkbench.uitest.shots=DIR}
 * it also writes PNGs of the dialog and the finished run's view. Skipped, with the reason,
 * without a GPU.
 */
class GpuTrainUiTest extends MainWindowUiTest {

    private String status() {
        return fx(() -> window.scene().lookup("#statusMessage") instanceof Label l ? l.getText() : "");
    }

    @Test
    void theDialogOffersTheGpuAndARunTrainsThere(FxRobot robot) throws Exception {
        Cuda.Availability a = Cuda.probe();
        Assumptions.assumeTrue(a.available(), () -> "no CUDA GPU here (" + a.reason() + "): GPU tests skipped");
        Path shots = System.getProperty("workbench.uitest.shots") == null ? null : Path.of(System.getProperty("workbench.uitest.shots"));
        Path dir = Files.createTempDirectory(tmp, "gpu-ui");
        Path store = new SaeUiTest().store(dir);
        Artifact art = new Artifact("store-syn", Artifact.STORE, "synthetic-store", null,
                new Provenance(store.toString(), null, Map.of("folder", store.toString()), Instant.now().toString(), "test"));
        CaptureUiTest.run(() -> window.captures().restore(dir, List.of(art)));
        UiFixtures.waitUntil(30, () -> fx(() -> window.captures().store("store-syn")
                .map(r -> r.state() == sparsity.app.capture.StoreRecord.State.COMPLETE).orElse(false)));

        double[] fvu = new double[2];
        String[] backends = {"vector", "cuda"};
        for (int i = 0; i < 2; i++) {
            String backend = backends[i];
            CaptureUiTest.run(() -> window.captures().open("store-syn"));
            UiFixtures.waitUntil(30, () -> robot.lookup("#trainAutoencoderButton").tryQuery().isPresent());
            robot.clickOn("#trainAutoencoderButton");
            UiFixtures.waitUntil(30, () -> window.autoencoders().dialogStage().isPresent());
            @SuppressWarnings("unchecked")
            ComboBox<String> choice = robot.lookup("#trainBackend").queryAs(ComboBox.class);
            List<String> offered = fx(() -> List.copyOf(choice.getItems()));
            assertEquals(List.of("vector", "cuda", "cuda-tf32", "cuda-bf16"), offered, "the GPU is offered in its three precisions");
            String shown = fx(() -> choice.getConverter().toString("cuda"));
            String gpu = a.summary().substring(0, a.summary().indexOf(" ("));
            assertEquals("GPU " + gpu + ", fp32 (cuda)", shown);
            CaptureUiTest.run(() -> {
                set(robot, "#trainK", "4");
                set(robot, "#trainLatents", "48");
                set(robot, "#trainTokens", "12800");
                set(robot, "#trainBatch", "256");
                set(robot, "#trainLr", "3e-3");
                set(robot, "#trainOut", dir.resolve("autoencoders-" + backend).toString());
                choice.setValue(backend);
            });
            if (shots != null && backend.equals("cuda")) {
                Stage dialog = window.autoencoders().dialogStage().orElseThrow();
                shot(dialog.getScene(), shots.resolve("gpu-train-dialog.png"));
            }
            int before = i;
            robot.clickOn("#trainStart");
            UiFixtures.waitUntil(180, () -> fx(() -> window.autoencoders().runs().runs().size() == before + 1), this::status);
            SaeRecord r = fx(() -> window.autoencoders().all().get(before));
            assertEquals(SaeRecord.State.DONE, r.state(), r.toString());
            RunSummary s = RunSummary.read(r.dir());
            assertEquals(backend, s.start().backend(), "run.json names the backend");
            assertEquals(50, s.steps());
            fvu[i] = s.fvu();
            System.out.printf("window run on %s: held-out FVU %.4f, L0 %.2f, %,.0f tokens/s%n", backend, s.fvu(), s.l0(), s.tokensPerSecond());
            String header = fx(() -> ((Label) window.autoencoders().view(r.id()).orElseThrow().lookup("#trainingWhat")).getText());
            assertTrue(header.contains(backend.equals("cuda") ? "on the GPU (cuda)" : "on the CPU (vector, "), header);
            if (shots != null && backend.equals("cuda")) {
                CaptureUiTest.run(() -> window.autoencoders().open(r.id()));
                Thread.sleep(1500);
                shot(window.scene(), shots.resolve("gpu-training-view.png"));
            }
        }
        assertTrue(fvu[0] > 0 && fvu[0] < 1, "CPU FVU " + fvu[0]);
        assertEquals(fvu[0], fvu[1], 0.02 + 0.1 * fvu[0], "held-out FVU of the window's run, CPU vs GPU");
    }

    private static void shot(javafx.scene.Scene scene, Path png) {
        CaptureUiTest.run(() -> {
            try {
                Screenshot.write(scene, png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        System.out.println("wrote " + png);
    }

    private static void set(FxRobot robot, String id, String text) {
        robot.lookup(id).queryAs(TextField.class).setText(text);
    }
}
