package sparsity.app.capture;

import java.io.IOException;
import java.nio.file.Path;

import ai.onnxruntime.OrtException;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureException;
import sparsity.analysis.capture.CaptureResult;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.views.capture.CaptureSettings;
import sparsity.views.capture.PreparedCapture;

/**
 * What a capture job does off the JavaFX thread: run a checked capture, resume an incomplete
 * store with its recorded inputs, or read how far a store got. A cancelled or failed run does not
 * throw: its {@link Outcome} says so, with the store's state as it was left on disk.
 */
public final class CaptureWork {

    /**
     * How a run ended.
     *
     * @param result    the finished capture, or null
     * @param cancelled true when the thread was interrupted
     * @param failure   why it failed ("" when it did not)
     * @param store     the store as it is on disk now
     */
    public record Outcome(CaptureResult result, boolean cancelled, String failure, Probe store) {
        public boolean ok() {
            return result != null;
        }
    }

    /**
     * A store as read from disk.
     *
     * @param state    COMPLETE, INCOMPLETE or MISSING (no store there)
     * @param examples examples committed
     * @param tokens   token rows committed
     * @param failure  why an incomplete capture stopped ("" when not recorded)
     */
    public record Probe(StoreRecord.State state, int examples, long tokens, String failure) {
    }

    private CaptureWork() {
    }

    /** Runs a checked capture into its new store; closes it. */
    public static Outcome run(PreparedCapture pc, ProgressListener progress) {
        Path dir = pc.settings().out();
        try (pc) {
            CaptureResult r = pc.capture().run(pc.prepared().batches().iterator(), progress);
            return new Outcome(r, false, "", probe(dir));
        } catch (InterruptedException e) {
            return new Outcome(null, true, "", probe(dir));
        } catch (CaptureException | IOException | RuntimeException e) {
            return new Outcome(null, false, message(e), probe(dir));
        }
    }

    /**
     * Continues an incomplete store: prepares the same inputs again (from the settings in its
     * provenance) and lets {@link Capture#resume} skip what is already there.
     *
     * @param model   the model's summary when it is at hand (an open tab), else null (read here)
     * @param threads ONNX Runtime threads (0: all cores)
     */
    public static Outcome resume(StoreRecord r, ModelSummary model, int threads, ProgressListener progress) {
        try {
            CaptureSettings s = CaptureSettings.fromMap(r.provenance().settings(), r.dir());
            Path modelFile;
            try (ActivationStore st = ActivationStore.open(r.dir())) {
                modelFile = st.header().modelFile();
            }
            ModelSummary m = model != null && model.file().toAbsolutePath().equals(modelFile.toAbsolutePath()) ? model
                    : OnnxModels.summarize(modelFile, (f, msg) -> progress.update(-1, "Reading " + modelFile.getFileName()));
            progress.update(-1, "Preparing the inputs again");
            InputSources.Prepared p = InputSources.prepare(m, s.source(), s.loadTokenizer(), s.batchSize(), s.maxLength(),
                    (f, msg) -> progress.update(-1, msg));
            CaptureResult res = Capture.resume(r.dir(), p.batches().iterator(), p.stats(), progress, threads);
            return new Outcome(res, false, "", probe(r.dir()));
        } catch (InterruptedException e) {
            return new Outcome(null, true, "", probe(r.dir()));
        } catch (CaptureException | IOException | OrtException | ModelLoadException | RuntimeException e) {
            return new Outcome(null, false, message(e), probe(r.dir()));
        }
    }

    /** Reads a store's state (MISSING when the folder holds no store or cannot be read). */
    public static Probe probe(Path dir) {
        if (!ActivationStore.isStore(dir)) return new Probe(StoreRecord.State.MISSING, -1, -1, "");
        try (ActivationStore s = ActivationStore.open(dir)) {
            return new Probe(s.isComplete() ? StoreRecord.State.COMPLETE : StoreRecord.State.INCOMPLETE, s.examples(), s.tokens(),
                    s.failure().orElse(""));
        } catch (IOException | RuntimeException e) {
            return new Probe(StoreRecord.State.INCOMPLETE, -1, -1, "cannot be read: " + message(e));
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
    }
}
