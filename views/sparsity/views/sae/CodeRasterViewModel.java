package sparsity.views.sae;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.concurrent.Task;
import sparsity.sae.features.ExampleCodes;
import sparsity.sae.features.ExampleImages;
import sparsity.views.export.TableData;
import sparsity.views.heatmap.HeatmapViewModel;
import sparsity.views.heatmap.MatrixSource;

/**
 * The sparsity pattern of the code for one example: a raster of its tokens (rows) by the latents
 * active anywhere in it (columns), each cell the latent's value on the token, so one sees which
 * latents fire where. When each example is a single row (an image), the raster stacks the chosen
 * example and the {@value #EXAMPLE_WINDOW} - 1 after it, one row each. Choosing an example encodes its rows in the background through the
 * {@link ExampleSource}; the column order (first token, total, index) is changed in place.
 * Knows nothing of its view; use it on the JavaFX thread.
 */
public final class CodeRasterViewModel {

    private static final Executor DEFAULT = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "code-raster");
        t.setDaemon(true);
        return t;
    });

    /** Examples stacked in one raster when each example is one row (images): the chosen one and those after it. */
    public static final int EXAMPLE_WINDOW = 32;

    private record Loaded(ExampleCodes codes, ExampleImages.Result image) {
    }

    private final String title;
    private final ExampleSource source;
    private final Executor executor;
    private final IntegerProperty example = new SimpleIntegerProperty(-1);
    private final ObjectProperty<ExampleCodes.Order> order = new SimpleObjectProperty<>(ExampleCodes.Order.FIRST_TOKEN);
    private final ReadOnlyObjectWrapper<ExampleCodes> codes = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ExampleCodes.Raster> raster = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<HeatmapViewModel> heatmap = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ExampleImages.Result> image = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper();
    private Task<Loaded> task;

    public CodeRasterViewModel(String title, ExampleSource source, Executor executor) {
        this.title = Objects.requireNonNull(title, "title");
        this.source = Objects.requireNonNull(source, "source");
        this.executor = Objects.requireNonNull(executor, "executor");
        example.addListener((o, was, now) -> load(now.intValue()));
        order.addListener((o, was, now) -> build());
    }

    public CodeRasterViewModel(String title, ExampleSource source) {
        this(title, source, DEFAULT);
    }

    public String title() {
        return title;
    }

    public ExampleSource source() {
        return source;
    }

    /** The example shown (-1: none); setting it encodes the example in the background. */
    public IntegerProperty exampleProperty() {
        return example;
    }

    public void show(int ex) {
        if (ex == example.get()) return;
        example.set(ex);
    }

    public ObjectProperty<ExampleCodes.Order> orderProperty() {
        return order;
    }

    public ReadOnlyObjectProperty<ExampleCodes> codesProperty() {
        return codes.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ExampleCodes.Raster> rasterProperty() {
        return raster.getReadOnlyProperty();
    }

    /** The heatmap of the raster: rows the tokens, columns the active latents ("L123"). */
    public ReadOnlyObjectProperty<HeatmapViewModel> heatmapProperty() {
        return heatmap.getReadOnlyProperty();
    }

    /** The thumbnail of an image example (null for text). */
    public ReadOnlyObjectProperty<ExampleImages.Result> imageProperty() {
        return image.getReadOnlyProperty();
    }

    /** e.g. "31 tokens x 187 active latents · 32.0 active per token · latent 12 fires on 9 tokens". */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** The example's label for pickers: its number and text (shortened). */
    public String exampleLabel(int ex) {
        String n = source.exampleName(ex);
        if (n == null) return "#" + ex;
        String t = n.replaceAll("\\s+", " ").strip();
        return "#" + ex + "  " + (t.length() > 90 ? t.substring(0, 89) + "\u2026" : t);
    }

    /** The latent of a raster column (-1 outside). */
    public int latentOfColumn(int column) {
        ExampleCodes.Raster r = raster.get();
        return r == null || column < 0 || column >= r.latents().length ? -1 : r.latents()[column];
    }

    private void load(int ex) {
        if (task != null) task.cancel();
        task = null;
        if (ex < 0 || ex >= source.examples()) {
            codes.set(null);
            build();
            return;
        }
        Task<Loaded> t = new Task<>() {
            @Override
            protected Loaded call() {
                ExampleImages.Result img = source.hasImages() ? source.image(ex) : null;
                if (source.perToken()) return new Loaded(source.codes(ex), img);
                int to = Math.min(source.examples(), ex + EXAMPLE_WINDOW);
                List<ExampleCodes> parts = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                for (int e = ex; e < to; e++) {
                    if (isCancelled()) return null;
                    parts.add(source.codes(e));
                    labels.add("#" + e);
                }
                String name = to - ex == 1 ? source.exampleName(ex) : "examples " + ex + "\u2013" + (to - 1);
                return new Loaded(ExampleCodes.stack(parts, labels, name), img);
            }
        };
        task = t;
        loading.set(true);
        error.set("");
        t.setOnSucceeded(e -> {
            if (task != t || t.getValue() == null) return;
            task = null;
            loading.set(false);
            image.set(t.getValue().image());
            codes.set(t.getValue().codes());
            build();
        });
        t.setOnFailed(e -> {
            if (task != t) return;
            task = null;
            loading.set(false);
            Throwable x = t.getException();
            error.set("Could not encode example " + ex + ": " + (x.getMessage() == null ? x : x.getMessage()));
        });
        executor.execute(t);
    }

    private void build() {
        ExampleCodes c = codes.get();
        if (c == null) {
            raster.set(null);
            heatmap.set(null);
            summary.set("");
            return;
        }
        ExampleCodes.Raster r = c.raster(order.get());
        raster.set(r);
        int cols = r.latents().length;
        List<String> rowLabels = new ArrayList<>();
        List<String> pieces = TokenPieces.pieces(c.tokens());
        for (int i = 0; i < c.rows(); i++) rowLabels.add(pieces.get(i).strip().isEmpty() ? c.tokens().get(i) : pieces.get(i).strip());
        List<String> colLabels = new ArrayList<>(cols);
        for (int l : r.latents()) colLabels.add("L" + l);
        long active = 0;
        for (float v : r.values()) if (v != 0) active++;
        if (cols == 0) {
            heatmap.set(null);
        } else {
            boolean tokens = source.perToken();
            String what = tokens ? "Example " + c.example() + ": codes (tokens x active latents)"
                    : "Examples " + c.example() + "\u2013" + (c.example() + c.rows() - 1) + ": codes (examples x active latents)";
            heatmap.set(new HeatmapViewModel(what, MatrixSource.of(r.values(), r.tokens(), cols), tokens ? "token" : "example",
                    "active latent", rowLabels, colLabels));
        }
        summary.set(String.format(Locale.ROOT, "%,d %s \u00d7 %,d active latents \u00b7 %.1f active per %s (%d code slots) \u00b7 raster %.1f %% filled",
                c.rows(), source.perToken() ? "tokens" : "examples", cols, (double) active / Math.max(1, c.rows()),
                source.perToken() ? "token" : "row", c.width(), 100.0 * active / Math.max(1L, (long) c.rows() * cols)));
    }

    /** The raster as CSV: one row per token, one column per active latent. */
    public TableData rasterTable() {
        ExampleCodes c = codes.get();
        if (c == null) throw new IllegalStateException("no example shown");
        return SaeTables.raster("Codes of " + (source.perToken() ? "example " + c.example() : c.name()) + " (" + title + ")", c,
                raster.get());
    }
}
