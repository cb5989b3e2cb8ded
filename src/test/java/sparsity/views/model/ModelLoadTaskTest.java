package sparsity.views.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javafx.application.Platform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLoadTaskTest {

    @TempDir
    Path dir;

    /** A Task reports progress through Platform.runLater, so the toolkit must run (as in the app). */
    @BeforeAll
    static void startFx() {
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // another test class of this JVM started it
        }
    }

    @Test
    void buildsTheViewModelOffTheFxThread() throws Exception {
        ModelLoadTask task = new ModelLoadTask(SampleModels.path(SampleModels.MINILM));
        Thread t = new Thread(task);
        t.start();
        ModelViewModel vm = task.get(120, TimeUnit.SECONDS);
        assertEquals("22,566,034 parameters (86.1 MiB)", vm.totalParamsProperty().get());
        assertEquals(6, vm.summary().count("Softmax"));
    }

    @Test
    void aCorruptFileFailsWithAMessageNamingIt() throws Exception {
        Path bad = dir.resolve("broken.onnx");
        Files.writeString(bad, "this is not a model");
        ModelLoadTask task = new ModelLoadTask(bad);
        Thread t = new Thread(task);
        t.start();
        ExecutionException e = assertThrows(ExecutionException.class, () -> task.get(60, TimeUnit.SECONDS));
        assertInstanceOf(ModelLoadException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("broken.onnx"), e.getCause().getMessage());
    }
}
