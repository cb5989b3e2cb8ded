package sparsity.app.ui;

import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.LayerReport;
import sparsity.analysis.samples.SampleModels;
import sparsity.views.prune.PruneResultView;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.ui.CaptureUiTest.fx;

/**
 * Pruning from the window on the MNIST sample: the dialog prunes by Wanda (calibrated on the
 * sample's own digits) and by magnitude; each result lists the weights with their sparsity; a
 * weight's mask shows its pattern and its overlap with the other method's mask; the pruned model
 * is written and ONNX Runtime loads it.
 */
class PruneUiTest extends MainWindowUiTest {

    private String status() {
        return fx(() -> window.scene().lookup("#statusMessage") instanceof Label l ? l.getText() : "");
    }

    @Test
    void wandaAndMagnitudeFromTheDialogAndTheirMasksCompared(FxRobot robot) throws Exception {
        Path masks = Files.createTempDirectory(tmp, "masks");
        CaptureUiTest.run(() -> window.pruning().setMaskFolder(masks));
        CaptureUiTest.run(() -> window.openSample(SampleModels.MNIST_MLP));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> fx(() -> window.tabs().all().size() == 1));
        for (String method : new String[] {"wanda", "magnitude"}) {
            CaptureUiTest.run(() -> window.pruning().openDialogForActive());
            UiFixtures.waitUntil(20, () -> window.pruning().dialogStage().isPresent(), this::status);
            CaptureUiTest.run(() -> {
                robot.lookup("#pruneMethod").queryAs(javafx.scene.control.ComboBox.class).setValue(method);
                robot.lookup("#pruneSparsity").queryAs(TextField.class).setText("0.5");
                robot.lookup("#pruneLimit").queryAs(TextField.class).setText("200");
            });
            robot.clickOn("#pruneStart");
            String label = method + " 50";
            UiFixtures.waitUntil(120, () -> fx(() -> window.pruning().view(label).isPresent()), this::status);
        }
        PruneResultView v = fx(() -> window.pruning().view("wanda 50").orElseThrow());
        try (var files = Files.list(masks)) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".safetensors")).count(), "both masks saved");
        }
        assertEquals(0.5, fx(() -> v.result().sparsity()), 1e-3);
        LayerReport fc1 = fx(() -> v.table().getItems().stream().filter(l -> l.status() == LayerReport.Status.PRUNED).findFirst().orElseThrow());
        assertEquals(0.5, fc1.sparsity(), 1e-3, "Wanda prunes each layer to the level");
        CaptureUiTest.run(() -> v.table().getSelectionModel().select(fc1));
        assertNotNull(fx(v::maskView), "the chosen weight's mask is shown");
        String jaccard = fx(() -> v.maskView().jaccard().getText());
        assertTrue(jaccard.startsWith("Jaccard of the pruned weights: 0."), jaccard);
        assertTrue(status().contains("mask saved to"), status());

        Path out = Files.createTempDirectory(tmp, "pruned").resolve("mnist-wanda.onnx");
        CaptureUiTest.run(() -> window.pruning().writeModel(window.tabs().all().getFirst(), v.result(), out));
        UiFixtures.waitUntil(60, () -> status().startsWith("Wrote the pruned model"), this::status);
        OnnxModels.verifyWithRuntime(out);
    }

    @Test
    void aSweepDrawsItsCurveLiveThenSensitivityAndTeal(FxRobot robot) throws Exception {
        CaptureUiTest.run(() -> window.openSample(SampleModels.MNIST_MLP));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> fx(() -> window.tabs().all().size() == 1));
        CaptureUiTest.run(() -> window.pruning().openSweepDialogForActive());
        UiFixtures.waitUntil(20, () -> window.pruning().sweepDialogStage().isPresent(), this::status);
        CaptureUiTest.run(() -> {
            robot.lookup("#sweep-random").queryAs(javafx.scene.control.CheckBox.class).setSelected(false);
            robot.lookup("#sweep-wanda").queryAs(javafx.scene.control.CheckBox.class).setSelected(false);
            robot.lookup("#sweepLevels").queryAs(TextField.class).setText("0,50,90");
            robot.lookup("#sweepSensitivity").queryAs(javafx.scene.control.CheckBox.class).setSelected(true);
            robot.lookup("#sweepTeal").queryAs(TextField.class).setText("0,50");
        });
        robot.clickOn("#sweepStart");
        UiFixtures.waitUntil(240, () -> status().startsWith("Sweep of mnist-mlp.onnx"), this::status);
        var vm = fx(() -> window.pruning().curve("mnist-mlp.onnx").orElseThrow());
        assertEquals(0.9745, fx(() -> vm.baseline().get()), 1e-9, "dense accuracy, 1,949 of 2,000");
        var points = fx(vm::points);
        assertEquals(6, points.size(), points.toString());
        assertTrue(points.stream().filter(p -> p.level() == 0).allMatch(p -> Math.abs(p.value() - 0.9745) < 1e-9), "0% equals dense");
        double mag90 = points.stream().filter(p -> p.method().equals("magnitude") && p.level() > 0.85).findFirst().orElseThrow().value();
        double gpt90 = points.stream().filter(p -> p.method().equals("sparsegpt") && p.level() > 0.85).findFirst().orElseThrow().value();
        assertTrue(gpt90 > mag90, "SparseGPT holds up better at 90%: " + gpt90 + " vs " + mag90);
        assertTrue(robot.lookup("#sensitivityView").tryQuery().isPresent() || fx(() -> window.tabs().view().getTabs().stream()
                .anyMatch(t -> "sensitivityTab".equals(t.getId()))));
        assertTrue(fx(() -> window.tabs().view().getTabs().stream().anyMatch(t -> "tealTab".equals(t.getId()))));
    }
}
