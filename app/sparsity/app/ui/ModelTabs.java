package sparsity.app.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.views.model.ModelView;
import sparsity.views.model.ModelViewModel;

/**
 * The tabbed centre ({@code #centerTabs}): one closable tab per open model, holding the views
 * room's {@link ModelView}. Keeps the list of open models in tab order.
 */
final class ModelTabs {

    private final TabPane tabs = new TabPane();
    private final List<OpenModel> open = new ArrayList<>();
    private Consumer<OpenModel> onClosed = m -> { };
    private Consumer<Optional<OpenModel>> onActiveChanged = m -> { };
    private java.util.function.Function<OpenModel, javafx.scene.Node> toolbar = m -> null;

    ModelTabs() {
        tabs.setId("centerTabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.ALL_TABS);
        tabs.getSelectionModel().selectedItemProperty().addListener((obs, old, tab) -> onActiveChanged.accept(active()));
    }

    TabPane view() {
        return tabs;
    }

    void setOnClosed(Consumer<OpenModel> handler) {
        onClosed = handler;
    }

    void setOnActiveChanged(Consumer<Optional<OpenModel>> handler) {
        onActiveChanged = handler;
    }

    /** A bar shown above each model's view (e.g. the capture buttons); null for none. */
    void setToolbar(java.util.function.Function<OpenModel, javafx.scene.Node> factory) {
        toolbar = factory;
    }

    /** Opens a tab for a loaded model and selects it. */
    OpenModel add(Path file, ModelViewModel vm) {
        ModelSummary summary = vm.summary();
        Tab tab = new Tab();
        String key = OpenModel.keyOf(file);
        OpenModel m = new OpenModel(key, file, summary, vm, tab);
        tab.setText(m.displayName());
        tab.setId("modelTab-" + FxIds.safe(m.displayName()));
        tab.setTooltip(new Tooltip(file.toAbsolutePath().toString()));
        tab.setUserData(m);
        ModelView view = new ModelView(vm);
        javafx.scene.Node bar = toolbar.apply(m);
        tab.setContent(bar == null ? view : new javafx.scene.layout.BorderPane(view, bar, null, null, null));
        tab.setOnClosed(e -> closed(m));
        open.add(m);
        tabs.getTabs().add(tab);
        tabs.getSelectionModel().select(tab);
        return m;
    }

    /** The open model of a file, if it is open. */
    Optional<OpenModel> find(Path file) {
        String key = OpenModel.keyOf(file);
        return open.stream().filter(m -> m.key().equals(key)).findFirst();
    }

    /** The open model with a key. */
    Optional<OpenModel> byKey(String key) {
        return open.stream().filter(m -> m.key().equals(key)).findFirst();
    }

    /** Selects the tab of an open model. */
    void select(OpenModel m) {
        tabs.getSelectionModel().select(m.tab());
    }

    /** The model of the selected tab. */
    Optional<OpenModel> active() {
        Tab t = tabs.getSelectionModel().getSelectedItem();
        return t != null && t.getUserData() instanceof OpenModel m ? Optional.of(m) : Optional.empty();
    }

    /** Every open model, in tab order. */
    List<OpenModel> all() {
        List<OpenModel> inOrder = new ArrayList<>();
        for (Tab t : tabs.getTabs()) if (t.getUserData() instanceof OpenModel m) inOrder.add(m);
        return inOrder;
    }

    /** Closes one model's tab. */
    void close(OpenModel m) {
        if (tabs.getTabs().remove(m.tab())) closed(m);
    }

    /** Closes every tab. */
    void closeAll() {
        for (OpenModel m : List.copyOf(open)) close(m);
    }

    private void closed(OpenModel m) {
        if (open.remove(m)) onClosed.accept(m);
    }
}
