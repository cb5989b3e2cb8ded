package sparsity.views.prune;

import java.io.File;
import java.util.function.Consumer;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;

/**
 * The prune dialog: method (with its description), sparsity, N:M pattern, weights to leave dense,
 * and calibration data for Wanda, SparseGPT and the activation-based importance of heads and
 * channels (empty: a bundled sample's own data).
 */
public final class PruneDialogView extends BorderPane {

    private final PruneDialogViewModel vm;
    private final Label problem = new Label();
    private Consumer<PruneDialogViewModel> onPrune = v -> { };
    private Runnable onClose = () -> { };

    public PruneDialogView(PruneDialogViewModel vm, String modelName) {
        this.vm = vm;
        setId("pruneDialog");
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(6);
        g.setPadding(new Insets(12));
        int row = 0;
        g.addRow(row++, new Label("Model"), new Label(modelName));
        ComboBox<String> method = new ComboBox<>();
        method.setId("pruneMethod");
        method.getItems().setAll(vm.methodNames());
        method.valueProperty().bindBidirectional(vm.method());
        Label about = new Label();
        about.setWrapText(true);
        about.setMaxWidth(420);
        about.setStyle("-fx-text-fill: #555555;");
        Runnable describe = () -> about.setText(vm.selected().title() + ": " + vm.selected().description());
        vm.method().addListener((o, a, b) -> describe.run());
        describe.run();
        g.addRow(row++, new Label("Method"), method);
        g.add(about, 1, row++);
        g.addRow(row++, new Label("Sparsity"), field("pruneSparsity", vm.sparsity(), "share of the prunable weights, e.g. 0.5"));
        ComboBox<String> nm = new ComboBox<>();
        nm.setId("pruneNm");
        nm.getItems().setAll("none", "2:4", "4:8");
        nm.valueProperty().bindBidirectional(vm.nm());
        g.addRow(row++, new Label("N:M pattern"), nm);
        g.addRow(row++, new Label("Leave dense"), field("pruneExclude", vm.exclude(), "weights or nodes: names, globs or re:, comma separated"));
        TextField cal = field("pruneCalibration", vm.calibration(), "empty: the sample's own data");
        Button browse = new Button("Browse\u2026");
        browse.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Calibration data (texts, .npy)");
            File f = fc.showOpenDialog(getScene() == null ? null : getScene().getWindow());
            if (f != null) vm.calibration().set(f.toString());
        });
        HBox calBox = new HBox(6, cal, browse);
        HBox.setHgrow(cal, Priority.ALWAYS);
        g.addRow(row++, new Label("Calibration data"), calBox);
        g.addRow(row++, new Label("Calibration examples"), field("pruneLimit", vm.limit(), "first N examples"));
        setCenter(g);
        problem.setId("pruneProblem");
        problem.setStyle("-fx-text-fill: #b00020;");
        problem.setWrapText(true);
        Button go = new Button("Prune");
        go.setId("pruneStart");
        go.setDefaultButton(true);
        go.setOnAction(e -> start());
        Button cancel = new Button("Cancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> onClose.run());
        HBox buttons = new HBox(8, problem, new Pane(), cancel, go);
        HBox.setHgrow(buttons.getChildren().get(1), Priority.ALWAYS);
        buttons.setAlignment(Pos.CENTER_LEFT);
        buttons.setPadding(new Insets(8, 12, 12, 12));
        setBottom(buttons);
    }

    private static TextField field(String id, javafx.beans.property.StringProperty p, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.textProperty().bindBidirectional(p);
        f.setPromptText(prompt);
        f.setPrefColumnCount(26);
        return f;
    }

    public void start() {
        try {
            vm.spec();
            vm.calibrationRequest();
            problem.setText("");
            onPrune.accept(vm);
        } catch (IllegalArgumentException e) {
            problem.setText(e.getMessage());
        }
    }

    public void setOnPrune(Consumer<PruneDialogViewModel> c) {
        onPrune = c;
    }

    public void setOnClose(Runnable r) {
        onClose = r;
    }
}
