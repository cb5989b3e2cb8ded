package sparsity.views.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import sparsity.analysis.stats.ActivationStats;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.views.attention.AtlasImages;
import sparsity.views.attention.AttentionAtlasView;
import sparsity.views.heatmap.HeatmapView;
import sparsity.views.heatmap.HeatmapViewModel;
import sparsity.views.report.ReportItem;
import sparsity.views.stats.ActivationStatsView;
import sparsity.views.stats.ActivationStatsViewModel;

/**
 * One activation store: a header (status, examples, tokens, dtype, inputs, model) and a tab per
 * captured tensor with its {@link ActivationStatsView} (statistics computed in the background
 * when the tab is first shown, from the store's memory-mapped rows), plus, when the store holds
 * attention maps, an atlas of the heads of all layers for one example (the first at first, any
 * other by its number); clicking a head opens it as a {@link HeatmapView} with the tokens on both
 * axes. {@link #close()} unmaps the store.
 */
public class StoreView extends BorderPane {

    /** Rows decoded per batch when the statistics read the store. */
    static final int STATS_BATCH_ROWS = 4096;

    private final ActivationStore store;
    private final String name;
    private final Map<String, String> provenance;
    private final TabPane tabs = new TabPane();
    private final Map<String, ActivationStatsViewModel> stats = new LinkedHashMap<>();
    private AttentionAtlasView atlasView;
    private StoreAtlas atlas;

    /**
     * @param store      an open store; the view owns it from now on
     * @param name       what the store is called (the sidebar's name)
     * @param provenance where it came from, for the report items
     */
    public StoreView(ActivationStore store, String name, Map<String, String> provenance) {
        this.store = Objects.requireNonNull(store, "store");
        this.name = Objects.requireNonNull(name, "name");
        this.provenance = new LinkedHashMap<>(provenance == null ? Map.of() : provenance);
        setId("storeView");
        setTop(header());
        tabs.setId("storeTensorTabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        for (StoredTensor t : store.tensors()) if (!t.isAttention()) tabs.getTabs().add(statsTab(t));
        if (!StoreAtlas.mapTensors(store).isEmpty()) tabs.getTabs().add(atlasTab());
        tabs.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> shown(now));
        setCenter(tabs.getTabs().isEmpty() ? new Label("The store holds no rows yet") : tabs);
        shown(tabs.getSelectionModel().getSelectedItem());
    }

    public ActivationStore store() {
        return store;
    }

    /** The statistics view-model of a captured tensor (null for attention maps). */
    public ActivationStatsViewModel statsOf(String tensorName) {
        return stats.get(tensorName);
    }

    /** The tensor tabs. */
    public TabPane tensorTabs() {
        return tabs;
    }

    /** The atlas view, once the maps were read (null before, or without attention maps). */
    public AttentionAtlasView atlasView() {
        return atlasView;
    }

    private Node header() {
        Label title = new Label(name);
        title.setStyle("-fx-font-size: 1.4em; -fx-font-weight: bold;");
        String status = store.isComplete() ? "complete" : "incomplete" + store.failure().map(f -> " (" + f + ")").orElse("");
        Label facts = new Label(String.format(Locale.ROOT, "%s \u00b7 %,d examples \u00b7 %,d token rows \u00b7 %s \u00b7 %d %s",
                status, store.examples(), store.tokens(), store.header().dtype().id(), store.tensors().size(),
                store.tensors().size() == 1 ? "tensor" : "tensors"));
        facts.setId("storeFacts");
        if (!store.isComplete()) facts.setStyle("-fx-text-fill: #b00020;");
        Label source = new Label("Inputs: " + store.header().source() + " \u00b7 model " + store.header().modelFile().getFileName()
                + (store.header().modelSha256().isEmpty() ? "" : " (sha256 " + store.header().modelSha256().substring(0, 12) + ")")
                + " \u00b7 " + store.dir());
        source.setStyle("-fx-text-fill: #555555;");
        source.setTooltip(new Tooltip(store.dir().toAbsolutePath().toString()));
        VBox box = new VBox(3, title, facts, source);
        box.setPadding(new Insets(8, 10, 8, 10));
        return box;
    }

    private Tab statsTab(StoredTensor t) {
        ActivationStatsViewModel vm = new ActivationStatsViewModel(t.name(), () -> t.rowSource(STATS_BATCH_ROWS),
                ActivationStats.Settings.defaults());
        stats.put(t.name(), vm);
        Tab tab = new Tab(shortName(t.name()) + "  " + java.util.Arrays.toString(t.layout().rowShape()), new ActivationStatsView(vm));
        tab.setId("storeTensor-" + t.number());
        tab.setTooltip(new Tooltip(t.name() + "\n" + String.format("%,d rows x %,d", t.rows(), t.dim())));
        tab.setUserData(t);
        return tab;
    }

    private Tab atlasTab() {
        Tab tab = new Tab("Attention atlas (" + StoreAtlas.mapTensors(store).size() + " layers)");
        tab.setId("storeAtlasTab");
        tab.setContent(new StackPane(new Label("Reading the attention maps of the first example\u2026")));
        return tab;
    }

    private void shown(Tab tab) {
        if (tab == null) return;
        if (tab.getUserData() instanceof StoredTensor t) {
            ActivationStatsViewModel vm = stats.get(t.name());
            if (vm.summary() == null && !vm.runningProperty().get() && vm.errorProperty().get().isEmpty()) {
                if (t.rows() == 0) return;
                vm.recompute();
            }
        } else if ("storeAtlasTab".equals(tab.getId()) && atlas == null && tab.getUserData() == null) {
            tab.setUserData("loading");
            loadAtlas(tab);
        }
    }

    private void loadAtlas(Tab tab) {
        loadAtlas(tab, 0);
    }

    /** Reads the maps of one example in the background and shows its atlas with an example chooser. */
    private void loadAtlas(Tab tab, int example) {
        Task<StoreAtlas> t = new Task<>() {
            @Override
            protected StoreAtlas call() {
                return StoreAtlas.of(store, example, name + ", example " + example);
            }
        };
        t.setOnSucceeded(e -> {
            atlas = t.getValue();
            atlasView = new AttentionAtlasView(atlas.atlas());
            atlasView.setId("storeAtlas");
            StackPane head = new StackPane(new Label("Click a head to open it"));
            head.setId("storeHeadPane");
            atlasView.setOnHeadSelected((layer, h) -> head.getChildren().setAll(headView(layer, h)));
            SplitPane split = new SplitPane(atlasView, head);
            split.setOrientation(Orientation.HORIZONTAL);
            split.setDividerPositions(0.55);
            BorderPane pane = new BorderPane(split);
            pane.setTop(exampleBar(tab, example));
            tab.setContent(pane);
        });
        t.setOnFailed(e -> tab.setContent(new StackPane(new Label("Could not read the attention maps: "
                + t.getException().getMessage()))));
        Thread th = new Thread(t, "store-atlas");
        th.setDaemon(true);
        th.start();
    }

    private Node exampleBar(Tab tab, int example) {
        javafx.scene.control.Spinner<Integer> chooser = new javafx.scene.control.Spinner<>(0, Math.max(0, store.examples() - 1), example);
        chooser.setId("storeAtlasExample");
        chooser.setEditable(true);
        chooser.setPrefWidth(100);
        chooser.valueProperty().addListener((o, was, now) -> {
            if (now != null && now != example) loadAtlas(tab, now);
        });
        String text = store.exampleName(example);
        Label what = new Label(text == null ? "" : text.length() > 160 ? text.substring(0, 160) + "\u2026" : text);
        what.setStyle("-fx-text-fill: #555555;");
        javafx.scene.layout.HBox bar = new javafx.scene.layout.HBox(8, new Label("Example"), chooser,
                new Label(String.format(Locale.ROOT, "of %,d:", store.examples())), what);
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 8, 4, 8));
        return bar;
    }

    private Node headView(int layer, int head) {
        var h = atlas.atlas().head(layer, head);
        List<String> tokens = atlas.tokens() != null && atlas.tokens().size() == h.rows() ? atlas.tokens() : null;
        HeatmapViewModel hvm = new HeatmapViewModel("L" + layer + ".H" + head + " attention", h.source(), "query", "key",
                tokens, tokens);
        HeatmapView v = new HeatmapView(hvm);
        v.setId("storeHeadMap");
        return v;
    }

    /**
     * The report items of what was computed so far: the statistics of every tensor whose tab was
     * shown, and the atlas once it was read.
     */
    public List<ReportItem> reportItems() {
        List<ReportItem> items = new ArrayList<>();
        Map<String, String> prov = new LinkedHashMap<>(provenance);
        prov.putIfAbsent("store", store.dir().toAbsolutePath().toString());
        for (Map.Entry<String, ActivationStatsViewModel> e : stats.entrySet()) {
            if (e.getValue().summary() != null) items.addAll(e.getValue().reportItems(e.getKey(), prov));
        }
        if (atlas != null) {
            String id = "atlas-" + name.replaceAll("[^A-Za-z0-9_-]", "-");
            items.add(new ReportItem(id, "Attention atlas: " + atlas.atlas().title(), "Capture " + name, prov,
                    AtlasImages.imageSource(atlas.atlas(), true), null));
        }
        return items;
    }

    /** Unmaps the store (retrying in the background while a reader still holds it). */
    public void close() {
        Thread closer = new Thread(() -> {
            for (int i = 0; i < 50; i++) {
                try {
                    store.close();
                    return;
                } catch (IllegalStateException busy) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "store-close");
        closer.setDaemon(true);
        closer.start();
    }

    /** The last two parts of a tensor name, e.g. "layer.0/output/LayerNorm/Add_1_output_0" -> "LayerNorm/Add_1_output_0". */
    static String shortName(String tensor) {
        String[] parts = tensor.split("/");
        if (parts.length <= 3) return tensor;
        return String.join("/", java.util.Arrays.copyOfRange(parts, parts.length - 3, parts.length));
    }
}
