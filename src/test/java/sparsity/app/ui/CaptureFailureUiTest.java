package sparsity.app.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyWriter;
import sparsity.analysis.store.ActivationStore;
import sparsity.app.capture.StoreRecord;
import sparsity.views.capture.CaptureDialogView;
import sparsity.views.capture.CaptureDialogViewModel;
import sparsity.views.capture.CaptureSettings.InputKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.ui.CaptureUiTest.fx;
import static sparsity.app.ui.CaptureUiTest.run;

/** A capture that fails part-way (a NaN in a captured tensor): a clear error, an incomplete store. */
@ExtendWith(ApplicationExtension.class)
class CaptureFailureUiTest {

    @TempDir
    Path tmp;

    private MainWindow window;
    private Stage stage;
    private final List<String> errors = new ArrayList<>();

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void closeWindow() {
        UiFixtures.close(stage);
    }

    @Test
    void aNaNInACapturedTensorFailsWithItsRowAndLeavesAnIncompleteStore(FxRobot robot) throws Exception {
        Path model = UiFixtures.tinyModel(tmp.resolve("tiny.onnx"), 4);
        Path npy = tmp.resolve("rows.npy");
        float[] rows = new float[6 * 3];
        for (int i = 0; i < rows.length; i++) rows[i] = i * 0.1f;
        rows[4 * 3 + 1] = Float.NaN; // example 4
        try (NpyWriter w = NpyWriter.create(npy, Npy.DType.FLOAT32, 6, 3)) {
            w.writeFloats(rows, 0, rows.length);
        }
        WaitForAsyncUtils.asyncFx(() -> {
            try {
                window = new MainWindow(stage, UiFixtures.configDir(tmp));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            window.addErrorListener(errors::add);
            stage.show();
            window.openFile(model);
        });
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> window != null && window.tabs().all().size() == 1);
        OpenModel m = fx(() -> window.tabs().all().getFirst());
        run(() -> m.model().selectedTensors().setAll(m.summary().tensors().stream()
                .filter(t -> t.name().equals("/fc/MatMul_output_0")).toList()));
        CaptureDialogView dialog = fx(() -> window.captures().openDialog(m, false));
        CaptureDialogViewModel vm = dialog.viewModel();
        assertEquals(InputKind.NPY, fx(() -> vm.inputKindProperty().get()), "a float model starts on an .npy file");
        Path out = tmp.resolve("nan-store");
        run(() -> {
            vm.inputPathProperty().set(npy.toString());
            vm.batchSizeProperty().set("2");
            vm.outProperty().set(out.toString());
            vm.check();
        });
        UiFixtures.waitUntil(60, () -> vm.readyProperty().get() || !vm.problemProperty().get().isEmpty(), () -> vm.problemProperty().get());
        assertTrue(fx(() -> vm.readyProperty().get()), "the probe batch has no NaN");
        run(() -> window.captures().start(vm.take()));
        UiFixtures.waitUntil(60, () -> window.captures().stores().getFirst().state() == StoreRecord.State.INCOMPLETE
                && window.jobs().running().isEmpty());
        String error = fx(() -> String.join("\n", errors));
        assertTrue(error.contains("failed: NaN in tensor '/fc/MatMul_output_0'"), error);
        assertTrue(error.contains("example 4") || error.contains("row 4"), error);
        assertTrue(error.contains("the store is incomplete"), error);
        StoreRecord r = fx(() -> window.captures().stores().getFirst());
        assertEquals(r.name() + " (incomplete)", fx(() -> window.sidebar().entries("store").getFirst().label()));
        assertTrue(r.tooltip().contains("NaN"), r.tooltip());
        try (ActivationStore s = ActivationStore.open(out)) {
            assertFalse(s.isComplete());
            assertTrue(s.failure().orElseThrow().contains("NaN"));
        }
    }
}
