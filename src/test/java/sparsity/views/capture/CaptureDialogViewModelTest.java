package sparsity.views.capture;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import javafx.application.Platform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.ImageSpec;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.DType;
import sparsity.views.capture.CaptureSettings.InputKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capture dialog's view-model without a window, on the real all-MiniLM-L6-v2. */
class CaptureDialogViewModelTest {

    static final String LAYER0 = "/encoder/layer.0/output/LayerNorm/Add_1_output_0";
    private static ModelSummary minilm;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // another test class of this JVM started it
        }
        minilm = OnnxModels.summarize(SampleModels.path(SampleModels.MINILM), ProgressListener.NONE);
    }

    static <T> T onFx(Supplier<T> s) throws InterruptedException {
        AtomicReference<T> out = new AtomicReference<>();
        AtomicReference<RuntimeException> error = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                out.set(s.get());
            } catch (RuntimeException e) {
                error.set(e);
            } finally {
                done.countDown();
            }
        });
        assertTrue(done.await(60, TimeUnit.SECONDS));
        if (error.get() != null) throw error.get();
        return out.get();
    }

    private CaptureDialogViewModel vm(List<String> tensors) throws InterruptedException {
        return onFx(() -> new CaptureDialogViewModel(minilm, tensors, false, tmp.resolve("store"), null, 1));
    }

    private static void check(CaptureDialogViewModel vm) throws InterruptedException {
        onFx(vm::check);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (onFx(() -> vm.checkingProperty().get())) {
            assertTrue(System.nanoTime() < end, "the check did not end");
            Thread.sleep(50);
        }
    }

    @Test
    void pastedTextMapsTokenIdsOntoInputIdsAndShowsTheEstimateBeforeStart() throws Exception {
        CaptureDialogViewModel vm = vm(List.of(LAYER0));
        assertEquals(InputKind.PASTED, onFx(() -> vm.inputKindProperty().get()), "a text model starts on pasted text");
        assertTrue(onFx(() -> vm.tokenizerProperty().get()).endsWith("tokenizer.json"), "the sample's tokenizer is found beside it");
        assertFalse(onFx(() -> vm.readyProperty().get()));
        onFx(() -> {
            vm.pastedTextProperty().set("hello world\nThe quick brown fox jumps over the lazy dog.\n\nSparse codes are neat.");
            vm.dtypeProperty().set(DType.FLOAT16);
            return null;
        });
        check(vm);
        assertEquals("", onFx(() -> vm.problemProperty().get()));
        String mapping = onFx(() -> vm.mappingProperty().get());
        assertTrue(mapping.contains("input_ids") && mapping.contains("<- token ids"), mapping);
        assertTrue(mapping.contains("attention_mask") && mapping.contains("<- attention mask"), mapping);
        assertTrue(mapping.contains("3 texts from pasted text"), mapping);
        String estimate = onFx(() -> vm.estimateProperty().get());
        // hello world = 4 tokens; the fox sentence 12; "Sparse codes are neat." 7 -> 23 rows x 384 float16
        assertTrue(estimate.startsWith("1 tensor, 3 examples, 23 tokens, about "), estimate);
        assertTrue(estimate.contains("(float16)") && estimate.contains("[384] per token"), estimate);
        assertTrue(onFx(() -> vm.readyProperty().get()));

        // a change makes the check stale: Start is off until checked again
        onFx(() -> {
            vm.batchSizeProperty().set("2");
            return null;
        });
        assertFalse(onFx(() -> vm.readyProperty().get()));
        assertEquals("", onFx(() -> vm.estimateProperty().get()));
        check(vm);
        assertTrue(onFx(() -> vm.readyProperty().get()));
        try (PreparedCapture pc = onFx(vm::take)) {
            assertEquals(2, pc.prepared().batches().size());
            assertEquals(List.of(LAYER0), pc.capture().tensors());
            assertEquals(23, pc.prepared().stats().tokens());
        }
        assertFalse(onFx(() -> vm.readyProperty().get()));
    }

    @Test
    void aTokenizerOfAnotherModelIsReportedInTheDialog() throws Exception {
        CaptureDialogViewModel vm = vm(List.of(LAYER0));
        Path gpt2 = Path.of("src/test/resources/inputs/gpt2-subset-tokenizer.json").toAbsolutePath();
        onFx(() -> {
            vm.pastedTextProperty().set("hello world");
            vm.tokenizerProperty().set(gpt2.toString());
            return null;
        });
        check(vm);
        String problem = onFx(() -> vm.problemProperty().get());
        assertTrue(problem.contains("tokenizer not matching the model's vocabulary"), problem);
        assertFalse(onFx(() -> vm.readyProperty().get()));
    }

    @Test
    void anImageFolderForATextModelIsReportedInTheDialog() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", images.resolve("a.png").toFile());
        CaptureDialogViewModel vm = vm(List.of(LAYER0));
        onFx(() -> {
            vm.inputKindProperty().set(InputKind.IMAGE_FOLDER);
            vm.inputPathProperty().set(images.toString());
            return null;
        });
        check(vm);
        String problem = onFx(() -> vm.problemProperty().get());
        assertFalse(problem.isEmpty());
        assertTrue(problem.contains("input_ids"), problem);
        assertFalse(onFx(() -> vm.readyProperty().get()));
    }

    @Test
    void aPatternThatMatchesNothingIsReportedAfterTheMapping() throws Exception {
        CaptureDialogViewModel vm = vm(List.of());
        onFx(() -> {
            vm.pastedTextProperty().set("hello world");
            vm.patternProperty().set("re:.*no_such_tensor.*");
            return null;
        });
        check(vm);
        assertTrue(onFx(() -> vm.problemProperty().get()).contains("no_such_tensor"), onFx(() -> vm.problemProperty().get()));
        assertTrue(onFx(() -> vm.mappingProperty().get()).contains("<- token ids"), "the mapping shows even so");
        assertFalse(onFx(() -> vm.readyProperty().get()));
    }

    @Test
    void theTinyTransformersEvaluationIdsAreAOneClickInputForItsAttentionMaps() throws Exception {
        ModelSummary tiny = OnnxModels.summarize(SampleModels.path(SampleModels.TINY_TRANSFORMER), ProgressListener.NONE);
        Path eval = SampleModels.dataFile("tiny-transformer-eval.npy");
        CaptureDialogViewModel vm = onFx(() -> new CaptureDialogViewModel(tiny, List.of(), true, tmp.resolve("tiny"),
                new CaptureDialogViewModel.SampleData(null, eval), 1));
        assertEquals(InputKind.SAMPLE_NPY, onFx(() -> vm.inputKindProperty().get()));
        assertFalse(onFx(() -> vm.inputKinds().contains(InputKind.SAMPLE_CORPUS)), "no corpus given");
        check(vm);
        assertEquals("", onFx(() -> vm.problemProperty().get()));
        assertTrue(onFx(() -> vm.mappingProperty().get()).contains("token ids of tiny-transformer-eval.npy [64, 41]"),
                onFx(() -> vm.mappingProperty().get()));
        assertTrue(onFx(() -> vm.estimateProperty().get()).startsWith("2 tensors, 64 examples, 2,624 tokens"),
                onFx(() -> vm.estimateProperty().get()));
        onFx(vm::take).close();
    }

    @Test
    void aTextFileIsReadOneTextPerLineAndAFloatArrayDoesNotFitATextModel() throws Exception {
        Path texts = Files.writeString(tmp.resolve("texts.txt"), "hello world\n\nsecond line here\n");
        CaptureDialogViewModel vm = vm(List.of(LAYER0));
        onFx(() -> {
            vm.inputKindProperty().set(InputKind.TEXT_FILE);
            vm.inputPathProperty().set(texts.toString());
            return null;
        });
        check(vm);
        assertTrue(onFx(() -> vm.mappingProperty().get()).contains("2 texts from " + texts), onFx(() -> vm.mappingProperty().get()));
        assertTrue(onFx(() -> vm.readyProperty().get()));
        onFx(vm::take).close();

        Path npy = tmp.resolve("rows.npy");
        try (var w = sparsity.analysis.input.NpyWriter.create(npy, sparsity.analysis.input.Npy.DType.FLOAT32, 2, 3)) {
            w.writeFloats(new float[6], 0, 6);
        }
        onFx(() -> {
            vm.inputKindProperty().set(InputKind.NPY);
            vm.inputPathProperty().set(npy.toString());
            return null;
        });
        check(vm);
        assertFalse(onFx(() -> vm.problemProperty().get()).isEmpty());
        assertFalse(onFx(() -> vm.readyProperty().get()));
    }

    @Test
    void invalidFieldsAndAMissingTokenizerAreProblemsNotCrashes() throws Exception {
        CaptureDialogViewModel vm = vm(List.of(LAYER0));
        onFx(() -> {
            vm.pastedTextProperty().set("hello world");
            vm.batchSizeProperty().set("many");
            return null;
        });
        assertNull(onFx(vm::check));
        assertEquals("batch size: 'many' is not a whole number", onFx(() -> vm.problemProperty().get()));
        onFx(() -> {
            vm.batchSizeProperty().set("8");
            vm.tokenizerProperty().set("");
            return null;
        });
        check(vm);
        assertTrue(onFx(() -> vm.problemProperty().get()).contains("no tokenizer.json was chosen"));
        CaptureDialogViewModel none = vm(List.of());
        onFx(() -> {
            none.pastedTextProperty().set("hello world");
            return null;
        });
        assertNull(onFx(none::check));
        assertEquals("choose tensors to capture, or attention maps", onFx(() -> none.problemProperty().get()));
    }

    @Test
    void settingsRoundTripThroughProvenance() {
        ImageSpec spec = ImageSpec.imagenet(224).withInvert(true);
        CaptureSettings s = new CaptureSettings(List.of("a", "re:.*Softmax.*"), true, InputKind.IMAGE_FOLDER, tmp.resolve("imgs"), "",
                null, spec, DType.FLOAT16, 4, 64, tmp.resolve("out"));
        Map<String, String> m = s.toMap();
        assertEquals(s.withOut(tmp.resolve("moved")), CaptureSettings.fromMap(m, tmp.resolve("moved")));
        CaptureSettings pasted = new CaptureSettings(List.of("x"), false, InputKind.PASTED, null, "one\ntwo", tmp.resolve("tok.json"),
                null, DType.FLOAT32, 16, 128, tmp.resolve("o"));
        assertEquals(pasted, CaptureSettings.fromMap(pasted.toMap(), tmp.resolve("o")));
    }
}
