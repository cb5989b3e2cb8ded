package sparsity.views.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;

import ai.onnxruntime.OrtException;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureException;
import sparsity.analysis.capture.CapturePlan;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.store.StoreException;
import sparsity.analysis.store.TensorLayout;

/**
 * The input-mapping step of the capture dialog, off the JavaFX thread: reads the inputs, loads
 * the tokenizer, prepares the batches ({@link InputSources#prepare}: mapping and shapes checked),
 * opens the capture and runs one probe batch for the layouts and the size estimate. Fails with a
 * message for the user; cancelling interrupts it and closes what it opened.
 */
final class CaptureCheck extends Task<PreparedCapture> {

    private final ModelSummary model;
    private final CaptureSettings settings;
    private final int threads;
    private final ReadOnlyStringWrapper mapping = new ReadOnlyStringWrapper("");

    CaptureCheck(ModelSummary model, CaptureSettings settings, int threads) {
        this.model = Objects.requireNonNull(model);
        this.settings = Objects.requireNonNull(settings);
        this.threads = threads;
        updateTitle("Check capture inputs");
    }

    /** The mapping as soon as the inputs are prepared (before the model is loaded). */
    ReadOnlyStringProperty mappingProperty() {
        return mapping.getReadOnlyProperty();
    }

    @Override
    protected PreparedCapture call() throws Exception {
        updateMessage("Reading the inputs");
        Path out = settings.out();
        if (Files.exists(out) && (!Files.isDirectory(out) || !isEmpty(out))) {
            throw new CaptureException("the store folder " + out + " already exists and is not empty: choose another folder");
        }
        InputSources.Source src = settings.source();
        Tokenizer tok = settings.loadTokenizer();
        if (settings.input().isText() && tok == null) {
            throw new CaptureException(model.file().getFileName() + " takes text, but no tokenizer.json was chosen and none was "
                    + "found beside the model: choose the model's tokenizer.json");
        }
        InputSources.Prepared p = InputSources.prepare(model, src, tok, settings.batchSize(), settings.maxLength(), (f, m) -> {
            if (f >= 0) updateProgress(f, 1);
            updateMessage(m + "\u2026");
        });
        String text = mappingText(p);
        Platform.runLater(() -> mapping.set(text));
        if (isCancelled()) throw new InterruptedException();
        updateMessage("Loading " + model.file().getFileName() + " with the tensors exposed\u2026");
        updateProgress(-1, 1);
        Capture c = Capture.open(settings.spec(model.file(), sourceLine(p)), threads);
        try {
            updateMessage("Running a probe batch\u2026");
            CapturePlan plan = c.plan(p.batches().getFirst(), p.stats());
            long free = CaptureDialogViewModel.freeBytes(out);
            if (free >= 0 && plan.estimatedBytes() > free) {
                throw new CaptureException("not enough disk space for the store at " + out + ": it needs about "
                        + StoreException.human(plan.estimatedBytes()) + ", only " + StoreException.human(free) + " is free");
            }
            if (isCancelled()) throw new InterruptedException();
            return new PreparedCapture(model, settings, p, c, plan);
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /** The line on the inputs kept in the store's header. */
    static String sourceLine(InputSources.Prepared p) {
        return p.description() + (p.stats().tokens() > 0 ? String.format(", %,d tokens", p.stats().tokens()) : "");
    }

    /** The inputs and which model input gets what. */
    static String mappingText(InputSources.Prepared p) {
        return "Inputs: " + p.description() + " in " + p.batches().size() + (p.batches().size() == 1 ? " batch" : " batches")
                + "\n" + p.plan().describe().strip();
    }

    /** The plan's summary, each tensor's layout and size, and the free disk space. */
    static String estimateText(PreparedCapture pc) {
        CapturePlan plan = pc.plan();
        StringBuilder sb = new StringBuilder(plan.summary());
        for (int i = 0; i < plan.tensors().size(); i++) {
            TensorLayout t = plan.tensors().get(i);
            long bytes = plan.tensorBytes().get(i);
            String what = t.kind() == TensorLayout.Kind.MAPS ? t.rowShape()[0] + " heads x query x key per example"
                    : java.util.Arrays.toString(t.rowShape()) + " per " + t.unit().name().toLowerCase(java.util.Locale.ROOT);
            sb.append("\n  ").append(t.label().isEmpty() ? t.name() : t.label() + " (" + t.name() + ")").append(": ").append(what)
                    .append(bytes >= 0 ? ", " + StoreException.human(bytes) : "");
        }
        long free = CaptureDialogViewModel.freeBytes(pc.settings().out());
        if (free >= 0) sb.append("\nFree at ").append(pc.settings().out()).append(": ").append(StoreException.human(free));
        return sb.toString();
    }

    /** A failure of the check in words. */
    static String message(Throwable e) {
        if (e == null) return "the check failed";
        if (e instanceof OrtException) return "ONNX Runtime could not load the model: " + e.getMessage();
        String m = e.getMessage();
        if (e instanceof IOException && !(e instanceof StoreException) && m != null && !m.contains(" ")) {
            return m + ": cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
