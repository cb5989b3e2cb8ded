package sparsity.views.sae;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import sparsity.sae.model.Architectures;
import sparsity.sae.train.TrainingRun;

/**
 * The train dialog's fields as text and choices, and the runs they make: one run, or a sweep when
 * "k" or "latents" list several values (every combination, queued one after another), each into
 * its own folder under the output folder. For ReLU + L1, k does not apply and the L1 coefficient
 * takes a list instead. {@link #runs()} checks every field and says what is
 * wrong in words.
 */
public final class TrainDialogViewModel {

    private final Path store;
    private final List<String> tensors;
    private final List<String> architectures = Architectures.names();
    private final ObjectProperty<String> tensor = new SimpleObjectProperty<>();
    private final ObjectProperty<String> architecture = new SimpleObjectProperty<>("topk");
    private final StringProperty k = new SimpleStringProperty("32");
    private final StringProperty latents = new SimpleStringProperty("");
    private final StringProperty expansion = new SimpleStringProperty("8");
    private final StringProperty tokens = new SimpleStringProperty("");
    private final StringProperty batch = new SimpleStringProperty("4096");
    private final StringProperty lr = new SimpleStringProperty("4e-4");
    private final StringProperty warmup = new SimpleStringProperty("0");
    private final StringProperty decay = new SimpleStringProperty("0.2");
    private final StringProperty seed = new SimpleStringProperty("0");
    private final ObjectProperty<String> normalize = new SimpleObjectProperty<>("none");
    private final StringProperty l1 = new SimpleStringProperty("5");
    private final StringProperty checkpointEvery = new SimpleStringProperty("0");
    private final StringProperty out = new SimpleStringProperty();
    private final List<String> backends;
    private final String gpu;
    private final ObjectProperty<String> backend = new SimpleObjectProperty<>("vector");

    /**
     * @param store      the activation store
     * @param tensors    its tensors of rows (the first is chosen)
     * @param storeRows  rows of the first tensor (the token default: 10 epochs, at least 1M)
     * @param outParent  the folder the runs' folders go into
     */
    public TrainDialogViewModel(Path store, List<String> tensors, long storeRows, Path outParent) {
        this(store, tensors, storeRows, outParent, List.of("vector"));
    }

    /**
     * As above, offering the compute backends in {@code backends} (the CPU's "vector", and the
     * GPU's "cuda", "cuda-tf32" and "cuda-bf16" where a CUDA GPU was found); "vector" is chosen at first.
     */
    public TrainDialogViewModel(Path store, List<String> tensors, long storeRows, Path outParent, List<String> backends) {
        this(store, tensors, storeRows, outParent, backends, "");
    }

    /**
     * As above, naming the GPU that the GPU backends run on (e.g. "NVIDIA H100 80GB HBM3"; empty
     * when there is none) in the backends' descriptions.
     */
    public TrainDialogViewModel(Path store, List<String> tensors, long storeRows, Path outParent, List<String> backends,
                                String gpu) {
        this.gpu = gpu == null ? "" : gpu.strip();
        if (backends.isEmpty()) throw new IllegalArgumentException("no compute backend to train with");
        this.backends = List.copyOf(backends);
        backend.set(backends.contains("vector") ? "vector" : backends.get(0));
        if (tensors.isEmpty()) throw new IllegalArgumentException(store + " holds no tensor of rows to train on");
        this.store = store;
        this.tensors = List.copyOf(tensors);
        tensor.set(tensors.get(0));
        tokens.set(Long.toString(Math.max(1_000_000L, Math.min(50_000_000L, storeRows * 10))));
        out.set(outParent.toString());
        if (storeRows < 4096) batch.set(Long.toString(Math.max(64, Long.highestOneBit(Math.max(1, storeRows / 4)))));
    }

    public Path store() {
        return store;
    }

    public List<String> tensors() {
        return tensors;
    }

    public List<String> architectures() {
        return architectures;
    }

    /** The compute backends offered (GPU ones only where a GPU was found). */
    public List<String> backends() {
        return backends;
    }

    /**
     * What a backend name means in this dialog's choice box: as {@link #describeBackend(String)},
     * with the GPU's name where it is known ("GPU NVIDIA H100 80GB HBM3, fp32 (cuda)").
     */
    public String describe(String name) {
        String d = describeBackend(name);
        return gpu.isEmpty() || !d.startsWith("GPU,") ? d : "GPU " + gpu + d.substring(3);
    }

    /** What a backend name means, for the choice box: "CPU (vector)", "GPU, fp32 (cuda)", ... */
    public static String describeBackend(String name) {
        return switch (name) {
            case "vector" -> "CPU (vector)";
            case "reference" -> "CPU, scalar reference (slow)";
            case "cuda" -> "GPU, fp32 (cuda)";
            case "cuda-tf32" -> "GPU, TF32 encoder product (cuda-tf32)";
            case "cuda-bf16" -> "GPU, bf16 encoder product (cuda-bf16)";
            default -> name;
        };
    }

    public ObjectProperty<String> tensor() { return tensor; }
    public ObjectProperty<String> architecture() { return architecture; }
    public StringProperty k() { return k; }
    public StringProperty latents() { return latents; }
    public StringProperty expansion() { return expansion; }
    public StringProperty tokens() { return tokens; }
    public StringProperty batch() { return batch; }
    public StringProperty lr() { return lr; }
    public StringProperty warmup() { return warmup; }
    public StringProperty decay() { return decay; }
    public StringProperty seed() { return seed; }
    public ObjectProperty<String> normalize() { return normalize; }
    public StringProperty l1() { return l1; }
    public StringProperty checkpointEvery() { return checkpointEvery; }
    public StringProperty out() { return out; }
    public ObjectProperty<String> backend() { return backend; }

    /** The runs the fields ask for (one, or every k x latents combination of a sweep). */
    public List<TrainingRun.Settings> runs() {
        boolean relu = "relu".equals(architecture.get());
        List<Integer> ks = relu ? List.of(1) : ints(k.get(), "k");
        List<Double> l1s = relu ? doubles(l1.get(), "L1 coefficient") : List.of(num(l1.get(), "L1 coefficient", 0, 1e6));
        List<Integer> ns = latents.get() == null || latents.get().isBlank() ? List.of(0) : ints(latents.get(), "latents");
        int exp = (int) num(expansion.get(), "expansion", 1, 1024);
        long tok = (long) num(tokens.get(), "tokens", 1, Long.MAX_VALUE);
        int b = (int) num(batch.get(), "batch", 1, 1 << 20);
        double rate = num(lr.get(), "learning rate", 1e-9, 10);
        long warm = (long) num(warmup.get(), "warm-up steps", 0, Long.MAX_VALUE);
        double dec = num(decay.get(), "decay share", 0, 1);
        long sd = (long) num(seed.get(), "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        long cp = (long) num(checkpointEvery.get(), "checkpoint interval", 0, Long.MAX_VALUE);
        if (out.get() == null || out.get().isBlank()) throw new IllegalArgumentException("Choose an output folder");
        Path parent = Path.of(out.get());
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String storeName = store.getFileName() == null ? "store" : store.getFileName().toString();
        List<TrainingRun.Settings> runs = new ArrayList<>();
        for (int kk : ks) {
            for (double lambda : l1s) {
            for (int nn : ns) {
                if (nn > 0 && kk > nn) throw new IllegalArgumentException("k = " + kk + " is larger than " + nn + " latents");
                String sparsity = relu ? "l1_" + new java.math.BigDecimal(lambda).stripTrailingZeros().toPlainString() : "k" + kk;
                String name = String.format(Locale.ROOT, "%s-%s-%s-%s-%s", storeName, architecture.get(), sparsity,
                        nn > 0 ? "n" + nn : "x" + exp, stamp);
                Path dir = parent.resolve(name);
                TrainingRun.Settings d = TrainingRun.Settings.defaults(store, architecture.get(), kk, tok, dir);
                runs.add(new TrainingRun.Settings(store, tensor.get(), architecture.get(), kk, nn, exp, tok, b, rate, warm, dec, sd,
                        normalize.get(), 0, 0, d.auxAlpha(), lambda, 0, d.kSchedule(), d.encodeAlpha(), d.holdout(), cp, 0,
                        backend.get() == null ? "vector" : backend.get(), dir));
            }
            }
        }
        return runs;
    }

    /** "Train" or "Queue N runs". */
    public String actionText() {
        try {
            int n = runs().size();
            return n == 1 ? "Train" : "Queue " + n + " runs";
        } catch (IllegalArgumentException e) {
            return "Train";
        }
    }

    static List<Integer> ints(String text, String what) {
        LinkedHashSet<Integer> out = new LinkedHashSet<>();
        if (text == null || text.isBlank()) throw new IllegalArgumentException("Enter " + what);
        for (String part : text.split("[,\\s]+")) {
            if (part.isBlank()) continue;
            try {
                int v = Integer.parseInt(part.strip());
                if (v < 1) throw new IllegalArgumentException(what + " must be >= 1, not " + v);
                out.add(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": '" + part + "' is not a whole number");
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("Enter " + what);
        return List.copyOf(out);
    }

    static List<Double> doubles(String text, String what) {
        LinkedHashSet<Double> out = new LinkedHashSet<>();
        if (text == null || text.isBlank()) throw new IllegalArgumentException("Enter " + what);
        for (String part : text.split("[,\\s]+")) {
            if (!part.isBlank()) out.add(num(part, what, 0, 1e6));
        }
        return List.copyOf(out);
    }

    static double num(String text, String what, double min, double max) {
        double v;
        try {
            v = Double.parseDouble(text == null ? "" : text.strip().replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a number");
        }
        if (!(v >= min && v <= max)) throw new IllegalArgumentException(what + " must be between " + fmt(min) + " and " + fmt(max));
        return v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
