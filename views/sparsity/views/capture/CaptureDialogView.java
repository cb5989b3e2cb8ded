package sparsity.views.capture;

import java.io.File;
import java.util.Objects;
import java.util.function.Consumer;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import sparsity.analysis.input.ImageSpec;
import sparsity.analysis.store.DType;
import sparsity.views.capture.CaptureSettings.InputKind;

/**
 * The capture dialog's content: the chosen tensors and a pattern, the attention checkbox, the
 * input (pasted text, a text file, the sample corpus, an image folder with its spec, an .npy
 * file, the MNIST sample), the tokenizer, dtype, batch size, max length and the store folder;
 * then the input-mapping step and its result. Start is enabled once the inputs were checked.
 * Binds to a {@link CaptureDialogViewModel}.
 */
public class CaptureDialogView extends BorderPane {

    private final CaptureDialogViewModel vm;
    private Consumer<PreparedCapture> onStart = pc -> { };
    private Runnable onClose = () -> { };

    public CaptureDialogView(CaptureDialogViewModel vm) {
        this.vm = Objects.requireNonNull(vm, "vm");
        setId("captureDialog");
        setPrefSize(820, 860);
        Label title = new Label("Capture activations from " + vm.model().file().getFileName());
        title.setStyle("-fx-font-size: 1.3em; -fx-font-weight: bold;");
        BorderPane.setMargin(title, new Insets(10, 12, 4, 12));
        setTop(title);
        VBox body = new VBox(10, whatSection(), inputSection(), storeSection(), mappingSection());
        body.setPadding(new Insets(6, 12, 10, 12));
        ScrollPane scroll = new ScrollPane(body);
        scroll.setFitToWidth(true);
        setCenter(scroll);
        setBottom(buttons());
    }

    public CaptureDialogViewModel viewModel() {
        return vm;
    }

    /** Called with the checked capture when the user presses Start. */
    public void setOnStart(Consumer<PreparedCapture> handler) {
        onStart = Objects.requireNonNull(handler);
    }

    /** Called when the user presses Cancel (close the window). */
    public void setOnClose(Runnable handler) {
        onClose = Objects.requireNonNull(handler);
    }

    private Node whatSection() {
        ListView<String> list = new ListView<>(vm.tensors());
        list.setId("captureTensors");
        list.setPrefHeight(96);
        list.setPlaceholder(new Label("No tensor chosen in the model view: give a pattern or tick attention maps"));
        list.getSelectionModel().setSelectionMode(javafx.scene.control.SelectionMode.MULTIPLE);
        Button remove = new Button("Remove");
        remove.setId("captureRemoveTensor");
        remove.disableProperty().bind(Bindings.isEmpty(list.getSelectionModel().getSelectedItems()));
        remove.setOnAction(e -> vm.tensors().removeAll(java.util.List.copyOf(list.getSelectionModel().getSelectedItems())));
        TextField pattern = field("capturePattern", vm.patternProperty(), "a name, a glob (/encoder/layer.*/output/*) or re:regex");
        CheckBox attention = new CheckBox("All attention maps (Softmax of every layer, [batch, head, query, key])");
        attention.setId("captureAttention");
        attention.selectedProperty().bindBidirectional(vm.attentionProperty());
        GridPane g = grid();
        g.addRow(0, new Label("Pattern"), pattern, remove);
        return section("Tensors", list, g, attention);
    }

    private Node inputSection() {
        ChoiceBox<InputKind> kind = new ChoiceBox<>(vm.inputKinds());
        kind.setId("captureInputKind");
        kind.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(InputKind k) {
                return vm.describe(k);
            }

            @Override
            public InputKind fromString(String s) {
                return null;
            }
        });
        kind.valueProperty().bindBidirectional(vm.inputKindProperty());
        BooleanBinding pasted = vm.inputKindProperty().isEqualTo(InputKind.PASTED);
        BooleanBinding images = vm.inputKindProperty().isEqualTo(InputKind.IMAGE_FOLDER);
        BooleanBinding pathKind = Bindings.createBooleanBinding(() -> switch (vm.inputKindProperty().get()) {
            case TEXT_FILE, IMAGE_FOLDER, NPY -> true;
            default -> false;
        }, vm.inputKindProperty());
        BooleanBinding text = Bindings.createBooleanBinding(() -> vm.inputKindProperty().get() != null
                && vm.inputKindProperty().get().isText(), vm.inputKindProperty());

        TextField path = field("captureInputPath", vm.inputPathProperty(), "file or folder");
        Button browse = new Button("Browse\u2026");
        browse.setId("captureBrowseInput");
        browse.setOnAction(e -> browseInput());
        HBox pathRow = row(path, browse);
        show(pathRow, pathKind);

        TextArea area = new TextArea();
        area.setId("capturePasted");
        area.setPromptText("One example per line, e.g.\nhello world\nThe quick brown fox jumps over the lazy dog.");
        area.setPrefRowCount(5);
        area.textProperty().bindBidirectional(vm.pastedTextProperty());
        show(area, pasted);

        Node spec = imageSpec();
        show(spec, images);

        TextField tok = field("captureTokenizer", vm.tokenizerProperty(), "the model's tokenizer.json");
        Button browseTok = new Button("Browse\u2026");
        browseTok.setId("captureBrowseTokenizer");
        browseTok.setOnAction(e -> choose(vm.tokenizerProperty().get(), "Tokenizer (tokenizer.json)", "*.json")
                .ifPresent(f -> vm.tokenizerProperty().set(f.toString())));
        HBox tokRow = row(new Label("tokenizer.json"), tok, browseTok);
        show(tokRow, text);
        return section("Inputs", row(new Label("Input"), kind), pathRow, area, spec, tokRow);
    }

    private Node imageSpec() {
        ImageSpecFields f = vm.image();
        ChoiceBox<Integer> channels = new ChoiceBox<>();
        channels.getItems().addAll(1, 3);
        channels.setId("captureChannels");
        channels.valueProperty().bindBidirectional(f.channelsProperty());
        ChoiceBox<ImageSpec.Layout> layout = new ChoiceBox<>();
        layout.getItems().addAll(ImageSpec.Layout.values());
        layout.setId("captureLayout");
        layout.valueProperty().bindBidirectional(f.layoutProperty());
        CheckBox invert = new CheckBox("invert (black on white)");
        invert.selectedProperty().bindBidirectional(f.invertProperty());
        GridPane g = grid();
        g.addRow(0, new Label("Width"), small("captureWidth", f.widthProperty()), new Label("Height"), small("captureHeight", f.heightProperty()),
                new Label("Channels"), channels, new Label("Layout"), layout);
        g.addRow(1, new Label("Mean"), small("captureMean", f.meanProperty()), new Label("Std"), small("captureStd", f.stdProperty()), invert);
        GridPane.setColumnSpan(invert, 4);
        Label described = new Label();
        described.setId("captureSpecText");
        described.setStyle("-fx-text-fill: #555555;");
        described.textProperty().bind(Bindings.createStringBinding(f::describe, f.all().toArray(javafx.beans.Observable[]::new)));
        VBox box = new VBox(4, g, described);
        box.setId("captureImageSpec");
        return box;
    }

    private Node storeSection() {
        ChoiceBox<DType> dtype = new ChoiceBox<>();
        dtype.getItems().addAll(DType.values());
        dtype.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(DType d) {
                return d == null ? "" : d.id();
            }

            @Override
            public DType fromString(String s) {
                return DType.parse(s);
            }
        });
        dtype.setId("captureDtype");
        dtype.valueProperty().bindBidirectional(vm.dtypeProperty());
        TextField out = field("captureOut", vm.outProperty(), "the store folder (created)");
        Button browse = new Button("Browse\u2026");
        browse.setId("captureBrowseOut");
        browse.setOnAction(e -> {
            DirectoryChooser dc = new DirectoryChooser();
            dc.setTitle("Folder that will hold the store");
            File f = dc.showDialog(getScene() == null ? null : getScene().getWindow());
            if (f != null) vm.outProperty().set(f.toPath().resolve("capture").toString());
        });
        GridPane g = grid();
        g.addRow(0, new Label("dtype"), dtype, new Label("Batch size"), small("captureBatch", vm.batchSizeProperty()),
                new Label("Max length"), small("captureMaxLength", vm.maxLengthProperty()));
        return section("Store", g, row(new Label("Folder"), out, browse));
    }

    private Node mappingSection() {
        Button check = new Button("Check inputs");
        check.setId("captureCheck");
        check.setDefaultButton(false);
        check.setOnAction(e -> vm.check());
        check.disableProperty().bind(vm.checkingProperty());
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(18, 18);
        show(busy, vm.checkingProperty());
        Label status = new Label();
        status.setId("captureStatus");
        status.textProperty().bind(vm.statusProperty());
        TextArea mapping = new TextArea();
        mapping.setId("captureMapping");
        mapping.setEditable(false);
        mapping.setPrefRowCount(5);
        mapping.setStyle("-fx-font-family: monospace;");
        mapping.textProperty().bind(vm.mappingProperty());
        Label estimate = new Label();
        estimate.setId("captureEstimate");
        estimate.setWrapText(true);
        estimate.setStyle("-fx-font-family: monospace;");
        estimate.textProperty().bind(vm.estimateProperty());
        Label problem = new Label();
        problem.setId("captureProblem");
        problem.setWrapText(true);
        problem.setStyle("-fx-text-fill: #b00020; -fx-font-weight: bold;");
        problem.textProperty().bind(vm.problemProperty());
        show(problem, vm.problemProperty().isNotEmpty());
        return section("Input mapping and size", row(check, busy, status), mapping, estimate, problem);
    }

    private Node buttons() {
        Button cancel = new Button("Cancel");
        cancel.setId("captureCancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> {
            vm.dispose();
            onClose.run();
        });
        Button start = new Button("Start capture");
        start.setId("captureStart");
        start.setDefaultButton(true);
        start.disableProperty().bind(vm.readyProperty().not());
        start.setOnAction(e -> {
            if (vm.readyProperty().get()) onStart.accept(vm.take());
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox box = new HBox(8, spacer, cancel, start);
        box.setPadding(new Insets(8, 12, 10, 12));
        return box;
    }

    private void browseInput() {
        InputKind k = vm.inputKindProperty().get();
        if (k == InputKind.IMAGE_FOLDER) {
            DirectoryChooser dc = new DirectoryChooser();
            dc.setTitle("Folder of PNG/JPEG images");
            File f = dc.showDialog(getScene() == null ? null : getScene().getWindow());
            if (f != null) vm.inputPathProperty().set(f.toString());
            return;
        }
        choose(vm.inputPathProperty().get(), k == InputKind.NPY ? "NumPy arrays (*.npy)" : "Text files",
                k == InputKind.NPY ? "*.npy" : "*.txt").ifPresent(f -> vm.inputPathProperty().set(f.toString()));
    }

    private java.util.Optional<File> choose(String current, String what, String glob) {
        FileChooser fc = new FileChooser();
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(what, glob), new FileChooser.ExtensionFilter("All files", "*"));
        if (current != null && !current.isBlank()) {
            File parent = new File(current).getParentFile();
            if (parent != null && parent.isDirectory()) fc.setInitialDirectory(parent);
        }
        return java.util.Optional.ofNullable(fc.showOpenDialog(getScene() == null ? null : getScene().getWindow()));
    }

    private static Node section(String heading, Node... content) {
        Label h = new Label(heading);
        h.setStyle("-fx-font-weight: bold; -fx-font-size: 1.05em;");
        VBox box = new VBox(5, h);
        box.getChildren().addAll(content);
        box.setStyle("-fx-border-color: transparent transparent #d0d0d0 transparent; -fx-padding: 0 0 8 0;");
        return box;
    }

    private static TextField field(String id, javafx.beans.property.StringProperty p, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.textProperty().bindBidirectional(p);
        HBox.setHgrow(f, Priority.ALWAYS);
        GridPane.setHgrow(f, Priority.ALWAYS);
        return f;
    }

    private static TextField small(String id, javafx.beans.property.StringProperty p) {
        TextField f = field(id, p, null);
        f.setPrefColumnCount(7);
        HBox.setHgrow(f, Priority.NEVER);
        GridPane.setHgrow(f, Priority.NEVER);
        return f;
    }

    private static HBox row(Node... nodes) {
        HBox h = new HBox(6, nodes);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(4);
        return g;
    }

    private static void show(Node n, javafx.beans.value.ObservableBooleanValue when) {
        n.visibleProperty().bind(when);
        n.managedProperty().bind(when);
    }
}
