package sparsity.views.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.ImageSpec;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.store.DType;
import sparsity.views.capture.CaptureSettings.InputKind;

/**
 * What the capture dialog shows and edits, as JavaFX properties; knows nothing of its view. The
 * input-mapping step ({@link #check()}) reads and tokenizes the inputs, checks them against the
 * model's inputs and opens the capture (a probe batch gives every tensor's layout and the size
 * estimate) as a background task; only then is {@link #readyProperty()} true and the capture can
 * start. Any change to a setting makes the check stale again. Problems (no tokenizer, one that
 * does not match, images for a text model, shapes that do not fit) show in
 * {@link #problemProperty()}. Use it on the JavaFX thread.
 */
public final class CaptureDialogViewModel {

    private static final Executor DEFAULT = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "capture-check");
        t.setDaemon(true);
        return t;
    });

    private final ModelSummary model;
    private final int threads;
    private final Executor executor;
    private final ObservableList<String> tensors = FXCollections.observableArrayList();
    private final StringProperty pattern = new SimpleStringProperty("");
    private final BooleanProperty attention = new SimpleBooleanProperty();
    private final ObservableList<InputKind> inputKinds = FXCollections.observableArrayList();
    private final ObjectProperty<InputKind> inputKind = new SimpleObjectProperty<>(InputKind.PASTED);
    private final StringProperty inputPath = new SimpleStringProperty("");
    private final StringProperty pastedText = new SimpleStringProperty("");
    private final StringProperty tokenizer = new SimpleStringProperty("");
    private final ImageSpecFields image;
    private final ObjectProperty<DType> dtype = new SimpleObjectProperty<>(DType.FLOAT32);
    private final StringProperty batchSize = new SimpleStringProperty("16");
    private final StringProperty maxLength = new SimpleStringProperty("128");
    private final StringProperty out = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper mapping = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper estimate = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Check the inputs to see the mapping and the size");
    private final ReadOnlyBooleanWrapper checking = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper ready = new ReadOnlyBooleanWrapper();
    private final Path corpus;
    private final Path sampleNpy;
    private Task<PreparedCapture> task;
    private PreparedCapture prepared;

    /**
     * @param model     the model to capture from
     * @param selected  the tensors chosen in the model view
     * @param attention whether the attention maps are asked for
     * @param out       the store folder proposed
     * @param samples   the sample data files where they exist: the corpus (offered to text models)
     *                  and the sample's own .npy (e.g. the MNIST test images); either may be null
     * @param threads   ONNX Runtime threads for the capture (0: all cores)
     * @param executor  where the mapping step runs
     */
    public CaptureDialogViewModel(ModelSummary model, List<String> selected, boolean attention, Path out, SampleData samples,
                                  int threads, Executor executor) {
        this.model = Objects.requireNonNull(model, "model");
        this.threads = threads;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.corpus = samples == null ? null : samples.corpus();
        this.sampleNpy = samples == null ? null : samples.npy();
        this.image = new ImageSpecFields(InputSources.imageSpecFor(model));
        tensors.setAll(selected);
        this.attention.set(attention);
        this.out.set(out.toString());
        Path tok = CaptureSettings.defaultTokenizer(model);
        if (tok != null) tokenizer.set(tok.toString());
        boolean text = takesText(model);
        inputKinds.add(InputKind.PASTED);
        inputKinds.add(InputKind.TEXT_FILE);
        if (corpus != null && text) inputKinds.add(InputKind.SAMPLE_CORPUS);
        inputKinds.add(InputKind.IMAGE_FOLDER);
        inputKinds.add(InputKind.NPY);
        if (sampleNpy != null) inputKinds.add(InputKind.SAMPLE_NPY);
        inputKind.set(sampleNpy != null ? InputKind.SAMPLE_NPY : corpus != null && text && tok != null ? InputKind.SAMPLE_CORPUS
                : text ? InputKind.PASTED : InputKind.NPY);
        List<Observable> all = new ArrayList<>(List.of(tensors, pattern, this.attention, inputKind, inputPath, pastedText,
                tokenizer, dtype, batchSize, maxLength, this.out));
        all.addAll(image.all());
        for (Observable o : all) o.addListener(x -> invalidate());
    }

    /** A view-model whose mapping step runs on its own background thread. */
    public CaptureDialogViewModel(ModelSummary model, List<String> selected, boolean attention, Path out, SampleData samples,
                                  int threads) {
        this(model, selected, attention, out, samples, threads, DEFAULT);
    }

    /** The sample data that can be one-click inputs. */
    public record SampleData(Path corpus, Path npy) {
    }

    /** What a kind of input reads, for the choice box, e.g. "Sample data: mnist-test-images.npy". */
    public String describe(InputKind kind) {
        if (kind == null) return "";
        return switch (kind) {
            case SAMPLE_NPY -> "Sample data: " + sampleNpy.getFileName();
            case SAMPLE_CORPUS -> "Sample corpus: " + corpus.getFileName() + " (English sentences)";
            default -> kind.title();
        };
    }

    /** True when the model reads token ids (an int64 input). */
    public static boolean takesText(ModelSummary model) {
        return model.inputs().stream().anyMatch(t -> t.elementType().startsWith("int"));
    }

    public ModelSummary model() {
        return model;
    }

    /** The chosen tensors (names). */
    public ObservableList<String> tensors() {
        return tensors;
    }

    /** One more tensor name, glob or {@code re:} pattern ("" for none). */
    public StringProperty patternProperty() {
        return pattern;
    }

    public BooleanProperty attentionProperty() {
        return attention;
    }

    /** The kinds of input offered (the samples' data only where it exists and fits). */
    public ObservableList<InputKind> inputKinds() {
        return inputKinds;
    }

    public ObjectProperty<InputKind> inputKindProperty() {
        return inputKind;
    }

    /** The text file, image folder or .npy file. */
    public StringProperty inputPathProperty() {
        return inputPath;
    }

    public StringProperty pastedTextProperty() {
        return pastedText;
    }

    /** The tokenizer.json (found beside the model at first). */
    public StringProperty tokenizerProperty() {
        return tokenizer;
    }

    /** The image spec's fields (image folders). */
    public ImageSpecFields image() {
        return image;
    }

    public ObjectProperty<DType> dtypeProperty() {
        return dtype;
    }

    public StringProperty batchSizeProperty() {
        return batchSize;
    }

    public StringProperty maxLengthProperty() {
        return maxLength;
    }

    /** The store folder. */
    public StringProperty outProperty() {
        return out;
    }

    /** Which model input gets what (the mapping plan), after a check. */
    public ReadOnlyStringProperty mappingProperty() {
        return mapping.getReadOnlyProperty();
    }

    /** The capture plan's summary and the size per tensor, after a check. */
    public ReadOnlyStringProperty estimateProperty() {
        return estimate.getReadOnlyProperty();
    }

    /** What stops the capture ("" when nothing). */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** A line on the check: waiting, running (with progress), done. */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty checkingProperty() {
        return checking.getReadOnlyProperty();
    }

    /** True when the inputs were checked and the capture can start. */
    public ReadOnlyBooleanProperty readyProperty() {
        return ready.getReadOnlyProperty();
    }

    /**
     * The settings as entered.
     *
     * @throws IllegalArgumentException with a message for the user when a field is not valid
     */
    public CaptureSettings settings() {
        List<String> names = new ArrayList<>(tensors);
        String p = pattern.get() == null ? "" : pattern.get().strip();
        if (!p.isEmpty()) names.add(p);
        InputKind kind = inputKind.get();
        Path path = switch (kind) {
            case PASTED -> null;
            case SAMPLE_CORPUS -> corpus;
            case SAMPLE_NPY -> sampleNpy;
            default -> blank(inputPath.get()) ? null : Path.of(inputPath.get().strip());
        };
        if (kind == InputKind.PASTED && (pastedText.get() == null || TextInputs.fromPasted(pastedText.get()).isEmpty())) {
            throw new IllegalArgumentException("paste some text: one example per line");
        }
        if (blank(out.get())) throw new IllegalArgumentException("choose the folder for the store");
        Path tok = kind.isText() && !blank(tokenizer.get()) ? Path.of(tokenizer.get().strip()) : null;
        ImageSpec spec = kind == InputKind.IMAGE_FOLDER ? image.spec() : null;
        return new CaptureSettings(names, attention.get(), kind, path, pastedText.get(), tok, spec, dtype.get(),
                positive(batchSize.get(), "batch size"), positive(maxLength.get(), "max length"), Path.of(out.get().strip()));
    }

    /**
     * The input-mapping step: prepares the inputs and opens the capture in the background; the
     * mapping, the estimate or the problem show when it ends. A check in progress is cancelled.
     *
     * @return the task, or null when a field was not valid (the problem says which)
     */
    public Task<PreparedCapture> check() {
        invalidate();
        CaptureSettings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            problem.set(e.getMessage());
            status.set("Not checked");
            return null;
        }
        CaptureCheck t = new CaptureCheck(model, s, threads);
        task = t;
        checking.set(true);
        problem.set("");
        mapping.set("");
        estimate.set("");
        status.unbind();
        status.bind(t.messageProperty());
        t.mappingProperty().addListener((o, was, now) -> {
            if (task == t) mapping.set(now);
        });
        t.setOnSucceeded(e -> {
            if (task != t) {
                t.getValue().close();
                return;
            }
            finish();
            prepared = t.getValue();
            mapping.set(CaptureCheck.mappingText(prepared.prepared()));
            estimate.set(CaptureCheck.estimateText(prepared));
            status.set("Inputs checked: ready to capture");
            ready.set(true);
        });
        t.setOnFailed(e -> {
            if (task != t) return;
            finish();
            problem.set(CaptureCheck.message(t.getException()));
            status.set("The inputs do not fit: see the problem below");
        });
        t.setOnCancelled(e -> {
            if (task == t) finish();
        });
        executor.execute(t);
        return t;
    }

    /**
     * Hands the checked capture over to the caller, who runs and closes it; the dialog is not
     * ready any more.
     *
     * @throws IllegalStateException when the inputs were not checked
     */
    public PreparedCapture take() {
        if (!ready.get() || prepared == null) throw new IllegalStateException("check the inputs first");
        PreparedCapture p = prepared;
        prepared = null;
        ready.set(false);
        status.set("Capture started");
        return p;
    }

    /** Stops a check and closes what it opened (the dialog closed without starting). */
    public void dispose() {
        invalidate();
    }

    private void invalidate() {
        if (task != null) {
            task.cancel(true);
            finish();
        }
        if (prepared != null) {
            prepared.close();
            prepared = null;
        }
        if (ready.get() || !estimate.get().isEmpty()) {
            status.set("Settings changed: check the inputs again");
            estimate.set("");
        }
        ready.set(false);
    }

    private void finish() {
        status.unbind();
        checking.set(false);
        task = null;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static int positive(String text, String what) {
        try {
            int v = Integer.parseInt(text == null ? "" : text.strip());
            if (v < 1) throw new IllegalArgumentException(what + " must be at least 1");
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a whole number");
        }
    }

    /** Free bytes where the store would go (its nearest existing parent), or -1. */
    static long freeBytes(Path out) {
        for (Path p = out.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                try {
                    return Files.getFileStore(p).getUsableSpace();
                } catch (IOException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
