package sparsity.views.prune;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import sparsity.analysis.prune.NM;
import sparsity.analysis.prune.PruneMethod;
import sparsity.analysis.prune.PruneSpec;
import sparsity.analysis.prune.Pruning;

/**
 * The prune dialog's fields: method, sparsity, N:M pattern, layers to leave dense, and the
 * calibration data for the data-aware methods (empty: a bundled sample's own data). {@link #spec()}
 * checks them and says what is wrong in words.
 */
public final class PruneDialogViewModel {

    /** What to calibrate on. */
    public record Calibration(Path input, int limit) {
    }

    private final List<PruneMethod> methods = Pruning.methods();
    private final ObjectProperty<String> method = new SimpleObjectProperty<>("magnitude");
    private final StringProperty sparsity = new SimpleStringProperty("0.5");
    private final ObjectProperty<String> nm = new SimpleObjectProperty<>("none");
    private final StringProperty exclude = new SimpleStringProperty("");
    private final StringProperty calibration = new SimpleStringProperty("");
    private final StringProperty limit = new SimpleStringProperty("256");
    private final boolean sampleData;

    /** @param sampleData whether the model is a bundled sample with its own calibration data */
    public PruneDialogViewModel(boolean sampleData) {
        this.sampleData = sampleData;
    }

    public List<String> methodNames() {
        return methods.stream().map(PruneMethod::name).toList();
    }

    public PruneMethod selected() {
        return Pruning.method(method.get());
    }

    public ObjectProperty<String> method() { return method; }
    public StringProperty sparsity() { return sparsity; }
    public ObjectProperty<String> nm() { return nm; }
    public StringProperty exclude() { return exclude; }
    public StringProperty calibration() { return calibration; }
    public StringProperty limit() { return limit; }

    /** The pruning asked for; an IllegalArgumentException says which field is wrong. */
    public PruneSpec spec() {
        PruneMethod m = selected();
        double s;
        try {
            s = Double.parseDouble(sparsity.get().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sparsity: '" + sparsity.get() + "' is not a number (e.g. 0.5)");
        }
        if (!(s >= 0 && s <= 1)) throw new IllegalArgumentException("sparsity must be between 0 and 1");
        NM pattern = null;
        if (nm.get() != null && !nm.get().equals("none")) {
            if (!m.nm()) throw new IllegalArgumentException(m.name() + " does not take an N:M pattern (magnitude, random, wanda and sparsegpt do)");
            pattern = NM.parse(nm.get());
        }
        List<String> ex = new ArrayList<>();
        for (String p : exclude.get().split(",")) if (!p.isBlank()) ex.add(p.strip());
        return new PruneSpec(m.name(), pattern != null ? pattern.sparsity() : s, pattern, List.of(), ex, 0);
    }

    /** Calibration to collect, or null when the method needs none (or takes it only optionally and none was given). */
    public Calibration calibrationRequest() {
        PruneMethod m = selected();
        String c = calibration.get() == null ? "" : calibration.get().strip();
        boolean wanted = m.calibration() == PruneMethod.Calibration.REQUIRED
                || m.calibration() == PruneMethod.Calibration.OPTIONAL && (!c.isEmpty() || sampleData);
        if (!wanted) return null;
        if (c.isEmpty() && !sampleData) throw new IllegalArgumentException(m.name() + " needs calibration data: choose a text file, image folder or .npy");
        int n;
        try {
            n = Integer.parseInt(limit.get().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("calibration examples: '" + limit.get() + "' is not a whole number");
        }
        if (n < 1) throw new IllegalArgumentException("calibration examples must be >= 1");
        return new Calibration(c.isEmpty() ? null : Path.of(c), n);
    }
}
