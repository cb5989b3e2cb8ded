package sparsity.app.ui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javafx.scene.control.Tab;
import javafx.scene.control.Tooltip;
import sparsity.analysis.store.ActivationStore;
import sparsity.app.capture.StoreRecord;
import sparsity.app.jobs.ProgressTask;
import sparsity.views.capture.StoreView;
import sparsity.views.report.ReportItem;

/**
 * The tabs of open stores, beside the model tabs: a store is opened (memory-mapped) as a job and
 * shown in a {@link StoreView}; closing the tab unmaps it. Their statistics and atlases join the
 * report.
 */
final class StoreTabs {

    private final MainWindow window;
    private final Map<String, Tab> open = new LinkedHashMap<>();

    StoreTabs(MainWindow window) {
        this.window = window;
    }

    /** Selects the store's tab, opening the store first when it has none. */
    void open(StoreRecord r) {
        Tab existing = open.get(r.id());
        if (existing != null) {
            window.tabs().view().getSelectionModel().select(existing);
            return;
        }
        ProgressTask<ActivationStore> task = ProgressTask.of("Open store " + r.name(), progress -> ActivationStore.open(r.dir()));
        task.setOnSucceeded(e -> {
            ActivationStore store = task.getValue();
            if (open.containsKey(r.id())) {
                store.close();
                return;
            }
            Map<String, String> prov = new LinkedHashMap<>();
            prov.put("store", r.dir().toString());
            prov.put("model", String.valueOf(r.provenance().source()));
            if (r.provenance().sha256() != null) prov.put("model sha256", r.provenance().sha256());
            prov.put("inputs", store.header().source());
            prov.put("dtype", store.header().dtype().id());
            prov.put("created", store.header().created());
            StoreView view = new StoreView(store, r.name(), prov);
            javafx.scene.control.Button train = new javafx.scene.control.Button("Train autoencoder\u2026");
            train.setId("trainAutoencoderButton");
            train.setDisable(!store.isComplete() || store.tensors().stream().allMatch(t -> t.isAttention()));
            train.setTooltip(new Tooltip("Train a sparse autoencoder (TopK, BatchTopK, k-sparse, ReLU + L1) on this capture's rows"));
            train.setOnAction(x -> window.autoencoders().openDialog(r));
            javafx.scene.layout.HBox bar = new javafx.scene.layout.HBox(8, train);
            bar.setPadding(new javafx.geometry.Insets(4, 10, 4, 10));
            bar.setStyle("-fx-background-color: #f4f4f4; -fx-border-color: transparent transparent #d0d0d0 transparent;");
            javafx.scene.layout.BorderPane content = new javafx.scene.layout.BorderPane(view);
            content.setTop(bar);
            Tab tab = new Tab(r.name() + (store.isComplete() ? "" : " (incomplete)"), content);
            tab.setId("storeTab-" + FxIds.safe(r.name()));
            tab.setTooltip(new Tooltip(r.dir().toString()));
            tab.setUserData(view);
            tab.setOnClosed(x -> closed(r.id()));
            open.put(r.id(), tab);
            window.tabs().view().getTabs().add(tab);
            window.tabs().view().getSelectionModel().select(tab);
            window.status("Opened store " + r.dir() + String.format(" (%,d examples, %,d token rows)", store.examples(), store.tokens()));
        });
        window.jobs().submit(task.getTitle(), task);
    }

    /** The id of the store whose tab is selected. */
    Optional<String> frontId() {
        Tab sel = window.tabs().view().getSelectionModel().getSelectedItem();
        return open.entrySet().stream().filter(e -> e.getValue() == sel).map(Map.Entry::getKey).findFirst();
    }

    /** The view of an open store. */
    Optional<StoreView> view(String id) {
        Tab t = open.get(id);
        return t == null ? Optional.empty() : Optional.of((StoreView) t.getUserData());
    }

    /** Closes a store's tab (it is deleted or written again). */
    void close(String id) {
        Tab t = open.get(id);
        if (t == null) return;
        window.tabs().view().getTabs().remove(t);
        closed(id);
    }

    private void closed(String id) {
        Tab t = open.remove(id);
        if (t != null && t.getUserData() instanceof StoreView v) v.close();
    }

    /** The report items of every open store (computed statistics, read atlases). */
    List<ReportItem> reportItems() {
        List<ReportItem> items = new ArrayList<>();
        for (Tab t : open.values()) items.addAll(((StoreView) t.getUserData()).reportItems());
        return items;
    }
}
