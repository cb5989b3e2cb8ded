package sparsity.views.prune;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;

/**
 * The sweep dialog: which methods, at which sparsity levels, with 2:4 variants, the layer
 * sensitivity and a TEAL activation-sparsity curve. The model's task metric and evaluation data
 * are its sample's own (MNIST accuracy on the held-out digits, MiniLM embedding cosine over
 * corpus sentences, the tiny transformer's top-1 agreement) or the file given.
 */
public final class SweepDialogView extends BorderPane {

    /** What the dialog asks for. */
    public record Request(List<String> methods, List<Double> levels, boolean nm24, boolean sensitivity, List<Double> teal, String eval,
                          String metric) {
        /** Without a metric choice: the model's default (accuracy with labels, cosine for embeddings, top-1 for logits). */
        public Request(List<String> methods, List<Double> levels, boolean nm24, boolean sensitivity, List<Double> teal, String eval) {
            this(methods, levels, nm24, sensitivity, teal, eval, "auto");
        }
    }

    private final List<CheckBox> methods = new ArrayList<>();
    private final TextField levels = new TextField("0,10,20,30,40,50,60,70,80,90,95,99");
    private final CheckBox nm = new CheckBox("also 2:4 (one point each)");
    private final CheckBox sensitivity = new CheckBox("layer sensitivity (magnitude, one layer at a time)");
    private final TextField teal = new TextField("0,25,50,70,80,90");
    private final TextField eval = new TextField();
    private final javafx.scene.control.ComboBox<String> metric = new javafx.scene.control.ComboBox<>();
    private final Label problem = new Label();
    private Consumer<Request> onSweep = r -> { };
    private Runnable onClose = () -> { };

    public SweepDialogView(String modelName, List<String> methodNames, boolean sample) {
        setId("sweepDialog");
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(6);
        g.setPadding(new Insets(12));
        int row = 0;
        g.addRow(row++, new Label("Model"), new Label(modelName));
        FlowPane ms = new FlowPane(10, 4);
        for (String m : methodNames) {
            CheckBox cb = new CheckBox(m);
            cb.setId("sweep-" + m);
            cb.setSelected(List.of("magnitude", "random", "wanda", "sparsegpt").contains(m));
            methods.add(cb);
            ms.getChildren().add(cb);
        }
        ms.setPrefWrapLength(420);
        g.addRow(row++, new Label("Methods"), ms);
        levels.setId("sweepLevels");
        g.addRow(row++, new Label("Sparsity levels (%)"), levels);
        nm.setId("sweepNm");
        g.addRow(row++, new Label(""), nm);
        sensitivity.setId("sweepSensitivity");
        g.addRow(row++, new Label(""), sensitivity);
        teal.setId("sweepTeal");
        teal.setPromptText("empty: no TEAL curve");
        g.addRow(row++, new Label("TEAL activation sparsity (%)"), teal);
        eval.setId("sweepEval");
        eval.setPromptText(sample ? "empty: the sample's own evaluation data" : "texts, image folder or .npy (required)");
        g.addRow(row++, new Label("Evaluation data"), eval);
        metric.setId("sweepMetric");
        metric.getItems().setAll("auto", "accuracy", "cosine", "kl", "top1");
        metric.setValue("auto");
        g.addRow(row++, new Label("Metric"), metric);
        GridPane.setHgrow(levels, Priority.ALWAYS);
        setCenter(g);
        problem.setStyle("-fx-text-fill: #b00020;");
        problem.setWrapText(true);
        problem.setId("sweepProblem");
        Button go = new Button("Sweep");
        go.setId("sweepStart");
        go.setDefaultButton(true);
        go.setOnAction(e -> start());
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> onClose.run());
        HBox b = new HBox(8, problem, new Pane(), cancel, go);
        HBox.setHgrow(b.getChildren().get(1), Priority.ALWAYS);
        b.setAlignment(Pos.CENTER_LEFT);
        b.setPadding(new Insets(8, 12, 12, 12));
        setBottom(b);
    }

    public void start() {
        try {
            List<String> ms = methods.stream().filter(CheckBox::isSelected).map(CheckBox::getText).toList();
            if (ms.isEmpty()) throw new IllegalArgumentException("choose at least one method");
            List<Double> lv = percents(levels.getText(), "sparsity levels");
            List<Double> tl = teal.getText().isBlank() ? List.of() : percents(teal.getText(), "TEAL levels");
            problem.setText("");
            onSweep.accept(new Request(ms, lv, nm.isSelected(), sensitivity.isSelected(), tl, eval.getText().strip(), metric.getValue()));
        } catch (IllegalArgumentException e) {
            problem.setText(e.getMessage());
        }
    }

    static List<Double> percents(String text, String what) {
        LinkedHashSet<Double> out = new LinkedHashSet<>();
        for (String p : text.split("[,\\s]+")) {
            if (p.isBlank()) continue;
            double v;
            try {
                v = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + ": '" + p + "' is not a number");
            }
            if (!(v >= 0 && v <= 100)) throw new IllegalArgumentException(what + " are percentages from 0 to 100, not " + p);
            out.add(v / 100);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("enter the " + what);
        return List.copyOf(out);
    }

    public void setOnSweep(Consumer<Request> c) {
        onSweep = c;
    }

    public void setOnClose(Runnable r) {
        onClose = r;
    }
}
