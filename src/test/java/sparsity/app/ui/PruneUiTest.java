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

    /**
     * A mask saved in a workspace comes back with it: reopened, it is listed under Masks, and
     * choosing it rebuilds its result tab from the file on the model (the same sparsity, layers
     * and mask); with the model closed it says which model to open first.
     */
    @Test
    void aMaskInAReopenedWorkspaceOpensItsResultAgain(FxRobot robot) throws Exception {
        Path ws = Files.createTempDirectory(tmp, "ws-masks");
        CaptureUiTest.run(() -> window.openSample(SampleModels.MNIST_MLP));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> fx(() -> window.tabs().all().size() == 1));
        CaptureUiTest.run(() -> window.workspace().saveTo(ws));
        UiFixtures.waitUntil(30, () -> status().startsWith("Saved workspace to "), this::status);
        CaptureUiTest.run(() -> window.pruning().openDialogForActive());
        UiFixtures.waitUntil(20, () -> window.pruning().dialogStage().isPresent(), this::status);
        CaptureUiTest.run(() -> {
            robot.lookup("#pruneMethod").queryAs(javafx.scene.control.ComboBox.class).setValue("magnitude");
            robot.lookup("#pruneSparsity").queryAs(TextField.class).setText("0.7");
        });
        robot.clickOn("#pruneStart");
        UiFixtures.waitUntil(120, () -> fx(() -> window.pruning().view("magnitude 70").isPresent()), this::status);
        UiFixtures.waitUntil(30, () -> status().contains("mask saved to " + ws.resolve("masks")), this::status);
        sparsity.analysis.prune.PruneResult before = fx(() -> window.pruning().view("magnitude 70").orElseThrow().result());
        sparsity.app.workspace.Artifact mask = sparsity.app.workspace.Workspaces.open(ws).state().artifacts().stream()
                .filter(a -> sparsity.app.workspace.Artifact.MASK.equals(a.kind())).findFirst().orElseThrow();
        assertTrue(mask.path() != null && mask.path().startsWith("masks/"), "kept relative to the workspace: " + mask.path());

        CaptureUiTest.run(() -> window.workspace().open(ws));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> status().startsWith("Opened workspace")
                && fx(() -> window.tabs().all().size() == 1 && window.jobs().running().isEmpty()), this::status);
        assertTrue(fx(() -> window.pruning().view("magnitude 70").isEmpty()), "no result tab until the mask is chosen");
        assertEquals(1, fx(() -> window.sidebar().entries(sparsity.app.workspace.Artifact.MASK).size()));
        CaptureUiTest.run(() -> window.pruning().open(mask.id()));
        UiFixtures.waitUntil(60, () -> fx(() -> window.pruning().view("magnitude 70").isPresent()), this::status);
        assertTrue(status().startsWith("Opened the mask "), status());
        PruneResultView v = fx(() -> window.pruning().view("magnitude 70").orElseThrow());
        assertEquals(before.pruned(), fx(() -> v.result().pruned()));
        assertEquals(before.sparsity(), fx(() -> v.result().sparsity()), 0);
        for (String w : before.masks().keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(before.masks().get(w), fx(() -> v.result().masks().get(w)), w);
        }
        LayerReport fc1 = fx(() -> v.table().getItems().stream().filter(l -> l.status() == LayerReport.Status.PRUNED).findFirst().orElseThrow());
        CaptureUiTest.run(() -> v.table().getSelectionModel().select(fc1));
        assertNotNull(fx(v::maskView), "the chosen weight's mask is shown");

        // the model closed: choosing the mask says what to open first
        CaptureUiTest.run(() -> window.tabs().closeAll());
        CaptureUiTest.run(() -> window.workspace().open(ws));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> status().startsWith("Opened workspace")
                && fx(() -> window.jobs().running().isEmpty()), this::status);
        CaptureUiTest.run(() -> window.tabs().closeAll());
        CaptureUiTest.run(() -> window.pruning().open(mask.id()));
        UiFixtures.waitUntil(30, () -> status().startsWith("Could not open the mask "), this::status);
        assertTrue(status().contains("open the model this mask was made for first: "
                + SampleModels.path(SampleModels.MNIST_MLP).getFileName()), status());

        // its file gone: listed as missing, choosing it says so, and saving keeps it in the workspace
        Files.delete(ws.resolve(mask.path()));
        CaptureUiTest.run(() -> window.workspace().open(ws));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> status().startsWith("Opened workspace")
                && fx(() -> window.jobs().running().isEmpty()), this::status);
        assertTrue(fx(() -> window.sidebar().entries(sparsity.app.workspace.Artifact.MASK).getFirst().missing()));
        CaptureUiTest.run(() -> window.pruning().open(mask.id()));
        assertTrue(status().startsWith("Mask ") && status().contains("is missing"), status());
        CaptureUiTest.run(() -> window.workspace().saveTo(ws));
        UiFixtures.waitUntil(30, () -> status().startsWith("Saved workspace to "), this::status);
        assertEquals(1, sparsity.app.workspace.Workspaces.open(ws).state().artifacts().stream()
                .filter(a -> sparsity.app.workspace.Artifact.MASK.equals(a.kind())).count(), "the missing mask is kept");
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
