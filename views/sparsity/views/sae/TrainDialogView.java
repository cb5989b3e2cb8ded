package sparsity.views.sae;

import java.io.File;
import java.util.List;
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
import javafx.stage.DirectoryChooser;
import sparsity.sae.train.TrainingRun;

/**
 * The train dialog: the store's tensor, the architecture, k (a list makes a sweep), latents or
 * the expansion factor, tokens, batch, learning rate with warm-up and decay, seed, activation
 * normalization, L1 coefficient (ReLU + L1), checkpoint interval and the output folder. The
 * button says how many runs it will queue; a field that cannot work is named under the form.
 */
public final class TrainDialogView extends BorderPane {

    private final TrainDialogViewModel vm;
    private final Label problem = new Label();
    private final Button train = new Button("Train");
    private Consumer<List<TrainingRun.Settings>> onTrain = r -> { };
    private Runnable onClose = () -> { };

    public TrainDialogView(TrainDialogViewModel vm) {
        this.vm = vm;
        setId("trainDialog");
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(6);
        g.setPadding(new Insets(12));
        int row = 0;
        Label store = new Label(vm.store().toString());
        g.addRow(row++, new Label("Store"), store);
        ComboBox<String> tensor = new ComboBox<>();
        tensor.setId("trainTensor");
        tensor.getItems().setAll(vm.tensors());
        tensor.valueProperty().bindBidirectional(vm.tensor());
        tensor.setMaxWidth(Double.MAX_VALUE);
        g.addRow(row++, new Label("Tensor"), tensor);
        ComboBox<String> arch = new ComboBox<>();
        arch.setId("trainArchitecture");
        arch.getItems().setAll(vm.architectures());
        arch.valueProperty().bindBidirectional(vm.architecture());
        g.addRow(row++, new Label("Architecture"), arch);
        g.addRow(row++, new Label("k (list = sweep)"), field("trainK", vm.k(), "e.g. 32, or 16,32,64 to queue three runs"));
        g.addRow(row++, new Label("Latents (list = sweep)"), field("trainLatents", vm.latents(), "empty: expansion x input width"));
        g.addRow(row++, new Label("Expansion factor"), field("trainExpansion", vm.expansion(), "latents = this x the input width"));
        g.addRow(row++, new Label("Tokens"), field("trainTokens", vm.tokens(), "rows to train on; the store repeats in epochs"));
        g.addRow(row++, new Label("Batch"), field("trainBatch", vm.batch(), "rows per step"));
        g.addRow(row++, new Label("Learning rate"), field("trainLr", vm.lr(), "peak (Adam)"));
        g.addRow(row++, new Label("Warm-up steps"), field("trainWarmup", vm.warmup(), "linear warm-up from 0"));
        g.addRow(row++, new Label("Decay share"), field("trainDecay", vm.decay(), "share of the steps with a linear decay to 0"));
        g.addRow(row++, new Label("Seed"), field("trainSeed", vm.seed(), "init and data order"));
        ComboBox<String> norm = new ComboBox<>();
        norm.setId("trainNormalize");
        norm.getItems().setAll("none", "saelens");
        norm.valueProperty().bindBidirectional(vm.normalize());
        g.addRow(row++, new Label("Normalize activations"), norm);
        g.addRow(row++, new Label("L1 coefficient (relu; list = sweep)"), field("trainL1", vm.l1(), "lambda of ReLU + L1, e.g. 1,3,10"));
        g.addRow(row++, new Label("Checkpoint every"), field("trainCheckpoint", vm.checkpointEvery(), "tokens (0: at the end and on Stop)"));
        ComboBox<String> backend = new ComboBox<>();
        backend.setId("trainBackend");
        backend.getItems().setAll(vm.backends());
        backend.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(String name) {
                return name == null ? "" : vm.describe(name);
            }

            @Override
            public String fromString(String text) {
                return vm.backends().stream().filter(b -> vm.describe(b).equals(text)).findFirst()
                        .orElse(text);
            }
        });
        backend.valueProperty().bindBidirectional(vm.backend());
        g.addRow(row++, new Label("Compute on"), backend);
        TextField out = field("trainOut", vm.out(), "each run gets a folder in here");
        Button browse = new Button("Browse\u2026");
        browse.setOnAction(e -> {
            DirectoryChooser dc = new DirectoryChooser();
            dc.setTitle("Folder for the autoencoders");
            File f = dc.showDialog(getScene() == null ? null : getScene().getWindow());
            if (f != null) vm.out().set(f.toString());
        });
        HBox outBox = new HBox(6, out, browse);
        HBox.setHgrow(out, Priority.ALWAYS);
        g.addRow(row++, new Label("Output folder"), outBox);
        GridPane.setHgrow(outBox, Priority.ALWAYS);
        setCenter(g);

        problem.setId("trainProblem");
        problem.setStyle("-fx-text-fill: #b00020;");
        problem.setWrapText(true);
        train.setId("trainStart");
        train.setDefaultButton(true);
        train.setOnAction(e -> start());
        Button cancel = new Button("Cancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> onClose.run());
        HBox buttons = new HBox(8, problem, new Pane(), cancel, train);
        HBox.setHgrow(buttons.getChildren().get(1), Priority.ALWAYS);
        buttons.setAlignment(Pos.CENTER_LEFT);
        buttons.setPadding(new Insets(8, 12, 12, 12));
        setBottom(buttons);
        for (var p : List.of(vm.k(), vm.latents(), vm.l1())) p.addListener((o, a, b) -> train.setText(vm.actionText()));
        vm.architecture().addListener((o, a, b) -> train.setText(vm.actionText()));
        train.setText(vm.actionText());
    }

    private static TextField field(String id, javafx.beans.property.StringProperty p, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.textProperty().bindBidirectional(p);
        f.setPromptText(prompt);
        f.setPrefColumnCount(24);
        return f;
    }

    /** Checks the fields; hands the runs over or says what is wrong. */
    public void start() {
        try {
            List<TrainingRun.Settings> runs = vm.runs();
            problem.setText("");
            onTrain.accept(runs);
        } catch (IllegalArgumentException e) {
            problem.setText(e.getMessage());
        }
    }

    public Label problem() {
        return problem;
    }

    public void setOnTrain(Consumer<List<TrainingRun.Settings>> c) {
        onTrain = c;
    }

    public void setOnClose(Runnable r) {
        onClose = r;
    }
}
