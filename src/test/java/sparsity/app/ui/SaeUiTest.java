package sparsity.app.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.Npy;
import sparsity.analysis.store.StoreTransfer;
import sparsity.app.sae.SaeRecord;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.Provenance;
import sparsity.sae.data.SyntheticActivations;
import sparsity.sae.train.RunSummary;
import sparsity.views.sae.TrainingViewModel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.ui.CaptureUiTest.fx;

/**
 * Autoencoders from the window: the train dialog on a capture queues a sweep, each run trains as a
 * job with its live view, the runs join the comparison and the sidebar; a stopped run resumes
 * to the end; the workspace keeps them.
 */
class SaeUiTest extends MainWindowUiTest {

    Path store(Path dir) throws Exception {
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(16, 2));
        Path npy = dir.resolve("rows.npy");
        Npy.write(npy, data.rows(0, 6000), 6000, 16);
        Path store = dir.resolve("synthetic-store");
        StoreTransfer.importNpy(npy, store, "acts", ProgressListener.NONE);
        return store;
    }

    private String status() {
        return fx(() -> window.scene().lookup("#statusMessage") instanceof Label l ? l.getText() : "");
    }

    @Test
    void aSweepTrainsFromTheDialogAndARunStopsAndResumes(FxRobot robot) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "sae-ui");
        Path store = store(dir);
        Artifact a = new Artifact("store-syn", Artifact.STORE, "synthetic-store", null,
                new Provenance(store.toString(), null, Map.of("folder", store.toString()), Instant.now().toString(), "test"));
        CaptureUiTest.run(() -> window.captures().restore(dir, List.of(a)));
        UiFixtures.waitUntil(30, () -> fx(() -> window.captures().store("store-syn").map(r -> r.state() == sparsity.app.capture.StoreRecord.State.COMPLETE).orElse(false)));
        CaptureUiTest.run(() -> window.captures().open("store-syn"));
        UiFixtures.waitUntil(30, () -> robot.lookup("#trainAutoencoderButton").tryQuery().isPresent());
        robot.clickOn("#trainAutoencoderButton");
        UiFixtures.waitUntil(30, () -> window.autoencoders().dialogStage().isPresent());
        CaptureUiTest.run(() -> {
            set(robot, "#trainK", "2,4");
            set(robot, "#trainLatents", "48");
            set(robot, "#trainTokens", "12800");
            set(robot, "#trainBatch", "256");
            set(robot, "#trainLr", "3e-3");
            set(robot, "#trainOut", dir.resolve("autoencoders").toString());
        });
        assertEquals("Queue 2 runs", fx(() -> robot.lookup("#trainStart").queryAs(Button.class).getText()));
        robot.clickOn("#trainStart");
        UiFixtures.waitUntil(120, () -> fx(() -> window.autoencoders().runs().runs().size() == 2), this::status);
        List<SaeRecord> saes = fx(() -> window.autoencoders().all());
        assertEquals(2, saes.size());
        assertTrue(saes.stream().allMatch(r -> r.state() == SaeRecord.State.DONE), saes.toString());
        for (SaeRecord r : saes) {
            RunSummary s = RunSummary.read(r.dir());
            assertEquals(50, s.steps());
            assertTrue(s.fvu() > 0 && s.fvu() < 1, "held-out FVU " + s.fvu());
            // the view shows the run's curves and its held-out line
            TrainingViewModel vm = fx(() -> window.autoencoders().view(r.id()).orElseThrow().viewModel());
            assertEquals(50, fx(vm::stepCount));
            assertTrue(fx(() -> ((Label) window.autoencoders().view(r.id()).orElseThrow().lookup("#trainingEval")).getText())
                    .startsWith("Held out (300 rows): FVU"));
            String header = fx(() -> ((Label) window.autoencoders().view(r.id()).orElseThrow().lookup("#trainingWhat")).getText());
            assertTrue(header.contains(", 16 \u2192 48 latents, k ") && header.contains("on the CPU (vector, "), header);
        }
        assertEquals(2, fx(() -> window.autoencoders().showRuns().table().getItems().size()));
        // the report carries the comparison and each open run's curves
        Path report = dir.resolve("report");
        CaptureUiTest.run(() -> window.exportReport(report));
        UiFixtures.waitUntil(60, () -> status().startsWith("Report written"), this::status);
        String index = Files.readString(report.resolve("index.html"));
        assertTrue(index.contains("Autoencoder runs") && index.contains("training curves"), "report index lists the autoencoders");

        // a longer run, stopped from its view and resumed
        CaptureUiTest.run(() -> window.captures().open("store-syn"));
        robot.clickOn("#trainAutoencoderButton");
        UiFixtures.waitUntil(30, () -> window.autoencoders().dialogStage().isPresent());
        CaptureUiTest.run(() -> {
            set(robot, "#trainK", "4");
            set(robot, "#trainLatents", "48");
            set(robot, "#trainTokens", "2560000");
            set(robot, "#trainBatch", "256");
            set(robot, "#trainOut", dir.resolve("autoencoders").toString());
        });
        robot.clickOn("#trainStart");
        UiFixtures.waitUntil(60, () -> fx(() -> window.autoencoders().all().stream().anyMatch(r -> r.state() == SaeRecord.State.TRAINING)));
        SaeRecord long1 = fx(() -> window.autoencoders().all().stream().filter(r -> r.state() == SaeRecord.State.TRAINING).findFirst().orElseThrow());
        TrainingViewModel vm = fx(() -> window.autoencoders().view(long1.id()).orElseThrow().viewModel());
        UiFixtures.waitUntil(60, () -> fx(() -> { vm.drain(); return vm.stepCount() > 20; }));
        robot.clickOn("#trainingStop");
        UiFixtures.waitUntil(60, () -> fx(() -> window.autoencoders().sae(long1.id()).orElseThrow().state() == SaeRecord.State.STOPPED),
                this::status);
        assertTrue(Files.isDirectory(long1.dir().resolve("checkpoint")));
        assertTrue(status().startsWith("Stopped " + long1.name()), status());
        assertFalse(fx(() -> robot.lookup("#trainingResume").queryAs(Button.class).isDisabled()));
        robot.clickOn("#trainingResume");
        UiFixtures.waitUntil(60, () -> fx(() -> window.autoencoders().sae(long1.id()).orElseThrow().state() == SaeRecord.State.TRAINING));
        // stop again quickly: the second resume is not needed to show it works; the run continued from its step
        TrainingViewModel vm2 = fx(() -> window.autoencoders().view(long1.id()).orElseThrow().viewModel());
        UiFixtures.waitUntil(60, () -> fx(() -> { vm2.drain(); return vm2.stepCount() > 0; }));
        long firstStep = fx(() -> vm2.start().get().firstStep());
        assertTrue(firstStep > 20, "resumed at step " + firstStep);
        robot.clickOn("#trainingStop");
        UiFixtures.waitUntil(60, () -> fx(() -> window.autoencoders().sae(long1.id()).orElseThrow().state() == SaeRecord.State.STOPPED));
    }

    private static void set(FxRobot robot, String id, String text) {
        robot.lookup(id).queryAs(TextField.class).setText(text);
    }
}
