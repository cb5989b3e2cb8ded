package sparsity.views.attention;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureSpec;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.DType;
import sparsity.views.capture.StoreView;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A store with MiniLM's attention maps and key projections gets a UNComp tab: one row per layer and head. */
@ExtendWith(ApplicationExtension.class)
class KeyEntropyTabUiTest {

    @TempDir
    static Path tmp;
    static Path storeDir;
    private StoreView view;

    @BeforeAll
    static void capture() throws Exception {
        Path model = SampleModels.path(SampleModels.MINILM);
        var summary = OnnxModels.summarize(model, ProgressListener.NONE);
        var prepared = InputSources.prepare(summary, new InputSources.Texts(TextInputs.fromPasted(
                "The cat sat on the mat.\nKeys live in few directions in some heads."), "pasted"),
                Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow()), 8, 64, ProgressListener.NONE);
        storeDir = tmp.resolve("keys");
        try (Capture c = Capture.open(new CaptureSpec(model, List.of("/encoder/layer.*/attention/self/key/Add_output_0"), true,
                DType.FLOAT32, storeDir, prepared.description()))) {
            c.run(prepared.batches().iterator(), ProgressListener.NONE);
        }
    }

    @Start
    void start(Stage stage) throws Exception {
        view = new StoreView(ActivationStore.open(storeDir), "keys", Map.of());
        stage.setScene(new Scene(view, 1000, 780));
        stage.show();
    }

    @AfterEach
    void close() {
        view.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void keyEntropyTabListsEveryHeadOfEveryLayer(FxRobot robot) throws Exception {
        robot.interact(() -> view.tensorTabs().getSelectionModel().select(view.tensorTabs().getTabs().stream()
                .filter(t -> "storeAtlasTab".equals(t.getId())).findFirst().orElseThrow()));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#storeKeyEntropyTable").tryQuery().isPresent()
                && !((TableView<List<String>>) robot.lookup("#storeKeyEntropyTable").query()).getItems().isEmpty());
        TableView<List<String>> t = (TableView<List<String>>) robot.lookup("#storeKeyEntropyTable").query();
        assertEquals(6 * 12, t.getItems().size());
        for (List<String> row : t.getItems()) {
            double norm = Double.parseDouble(row.get(4));
            assertTrue(norm > 0 && norm <= 1 + 1e-9, row.toString());
        }
    }
}
