package sparsity.views.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import sparsity.analysis.onnx.GraphTensor;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.ParameterStats;
import sparsity.analysis.onnx.TensorSpec;
import sparsity.views.export.TableData;
import sparsity.views.model.ModelTables.OpCount;

/**
 * What the model view shows, as plain JavaFX properties and lists built from a
 * {@link ModelSummary}; knows nothing of its view and needs no running JavaFX toolkit. Build it
 * on any thread, then hand it to the JavaFX thread.
 */
public final class ModelViewModel {

    private final ModelSummary summary;
    private final ReadOnlyStringWrapper fileName = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper producer = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper irVersion = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper opsets = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper sha256Short = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper fileSize = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper totalParams = new ReadOnlyStringWrapper();
    private final ObservableList<TensorSpec> inputs;
    private final ObservableList<TensorSpec> outputs;
    private final ObservableList<OpCount> ops;
    private final ObservableList<ParameterStats> parameters;
    private final ObjectProperty<ParameterStats> selectedParameter = new SimpleObjectProperty<>();
    private final BooleanProperty logScale = new SimpleBooleanProperty(true);
    private final StringProperty tensorFilter = new SimpleStringProperty("");
    private final FilteredList<GraphTensor> filteredTensors;
    private final ReadOnlyIntegerWrapper matchCount = new ReadOnlyIntegerWrapper();
    private final ReadOnlyStringWrapper matchText = new ReadOnlyStringWrapper();
    private final ObservableList<GraphTensor> selectedTensors = FXCollections.observableArrayList();

    public ModelViewModel(ModelSummary summary) {
        this.summary = Objects.requireNonNull(summary, "summary");
        fileName.set(summary.file().getFileName().toString());
        producer.set(Formats.producer(summary.producerName(), summary.producerVersion()));
        irVersion.set(Long.toString(summary.irVersion()));
        opsets.set(Formats.opsets(summary.opsets()));
        sha256Short.set(Formats.shortHash(summary.sha256()));
        fileSize.set(Formats.bytes(summary.fileBytes()));
        totalParams.set(Formats.count(summary.totalParameters()) + " parameters ("
                + Formats.bytes(summary.totalParameterBytes()) + ")");
        inputs = FXCollections.unmodifiableObservableList(FXCollections.observableArrayList(summary.inputs()));
        outputs = FXCollections.unmodifiableObservableList(FXCollections.observableArrayList(summary.outputs()));
        ops = FXCollections.unmodifiableObservableList(FXCollections.observableArrayList(ModelTables.opCounts(summary)));
        parameters = FXCollections.unmodifiableObservableList(FXCollections.observableArrayList(summary.parameters()));
        summary.parameters().stream().max(Comparator.comparingLong(ParameterStats::count)).ifPresent(selectedParameter::set);

        filteredTensors = new FilteredList<>(FXCollections.observableArrayList(summary.tensors()));
        filteredTensors.predicateProperty().bind(Bindings.createObjectBinding(() -> {
            String[] words = words(tensorFilter.get());
            return words.length == 0 ? null : t -> matches(t, words);
        }, tensorFilter));
        matchCount.bind(Bindings.size(filteredTensors));
        int total = summary.tensors().size();
        matchText.bind(Bindings.createStringBinding(() -> words(tensorFilter.get()).length == 0
                ? Formats.count(total) + " tensors"
                : Formats.count(matchCount.get()) + " of " + Formats.count(total) + " tensors match", tensorFilter, matchCount));
    }

    public ModelSummary summary() {
        return summary;
    }

    public ReadOnlyStringProperty fileNameProperty() {
        return fileName.getReadOnlyProperty();
    }

    /** Producer name and version, e.g. "pytorch 2.1.0". */
    public ReadOnlyStringProperty producerProperty() {
        return producer.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty irVersionProperty() {
        return irVersion.getReadOnlyProperty();
    }

    /** Opset imports, e.g. "ai.onnx 14". */
    public ReadOnlyStringProperty opsetsProperty() {
        return opsets.getReadOnlyProperty();
    }

    /** First 12 hex digits of the model file's sha256. */
    public ReadOnlyStringProperty sha256ShortProperty() {
        return sha256Short.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty fileSizeProperty() {
        return fileSize.getReadOnlyProperty();
    }

    /** e.g. "22,713,216 parameters (86.6 MiB)". */
    public ReadOnlyStringProperty totalParamsProperty() {
        return totalParams.getReadOnlyProperty();
    }

    public ObservableList<TensorSpec> inputs() {
        return inputs;
    }

    public ObservableList<TensorSpec> outputs() {
        return outputs;
    }

    /** Op types with node counts, most frequent first. */
    public ObservableList<OpCount> ops() {
        return ops;
    }

    public ObservableList<ParameterStats> parameters() {
        return parameters;
    }

    /** The parameter whose histogram is shown; the largest one at first. */
    public ObjectProperty<ParameterStats> selectedParameterProperty() {
        return selectedParameter;
    }

    /** Whether histograms draw counts on a log axis (on at first: weight histograms are peaked). */
    public BooleanProperty logScaleProperty() {
        return logScale;
    }

    /**
     * The tensor filter: words separated by spaces, each of which must occur (ignoring case) in
     * the tensor's name, its producing op or its node's name.
     */
    public StringProperty tensorFilterProperty() {
        return tensorFilter;
    }

    /** The intermediate tensors that match the filter, in graph order. */
    public ObservableList<GraphTensor> filteredTensors() {
        return filteredTensors;
    }

    public ReadOnlyIntegerProperty matchCountProperty() {
        return matchCount.getReadOnlyProperty();
    }

    /** "1,131 tensors" without a filter, "6 of 1,131 tensors match" with one. */
    public ReadOnlyStringProperty matchTextProperty() {
        return matchText.getReadOnlyProperty();
    }

    /** The matching tensors by layer group, groups in order of first appearance. */
    public Map<String, List<GraphTensor>> groupedTensors() {
        Map<String, List<GraphTensor>> out = new LinkedHashMap<>();
        for (GraphTensor t : filteredTensors) out.computeIfAbsent(t.group(), g -> new ArrayList<>()).add(t);
        return out;
    }

    /** The tensors the user chose in the tensor list (for capture); the view keeps it in step. */
    public ObservableList<GraphTensor> selectedTensors() {
        return selectedTensors;
    }

    public TableData inputsTable() {
        return ModelTables.inputs(inputs);
    }

    public TableData outputsTable() {
        return ModelTables.outputs(outputs);
    }

    public TableData opsTable() {
        return ModelTables.ops(ops);
    }

    /** The parameters table in the given (e.g. the view's sorted) order. */
    public TableData parametersTable(List<ParameterStats> rows) {
        return ModelTables.parameters(rows);
    }

    /** The tensors that match the filter now. */
    public TableData tensorsTable() {
        return ModelTables.tensors(filteredTensors);
    }

    static String[] words(String filter) {
        String f = filter == null ? "" : filter.strip().toLowerCase(Locale.ROOT);
        return f.isEmpty() ? new String[0] : f.split("\\s+");
    }

    static boolean matches(GraphTensor t, String[] words) {
        String hay = (t.name() + "\n" + t.producerOp() + "\n" + t.producerNode()).toLowerCase(Locale.ROOT);
        for (String w : words) if (!hay.contains(w)) return false;
        return true;
    }
}
