package sparsity.views.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import javafx.application.Platform;
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
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import sparsity.attention.HeadAnalysis;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.views.attention.AtlasImages;
import sparsity.views.attention.AtlasModel;
import sparsity.views.attention.AttentionCharts;
import sparsity.views.attention.HeadTableView;
import sparsity.views.attention.InductionProbes;
import sparsity.views.attention.HeadTables;
import sparsity.views.attention.TokenAttentionView;
import sparsity.views.charts.Charts;
import sparsity.views.export.ExportActions;
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
 * axes and, under it, the "from this token" strip ({@link TokenAttentionView}: click a row or a
 * row label). Beside the atlas, every head's metrics over all examples ({@link HeadAnalysis},
 * computed in the background when the tab is first shown, with an induction probe when the
 * examples repeat a block of tokens) as a sortable {@link HeadTableView} (a row click opens the
 * head) and as per-layer charts ({@link AttentionCharts}); the atlas captions then show each
 * head's label and sparsity. {@link #close()} unmaps the store.
 */
public class StoreView extends BorderPane {

    /** Rows decoded per batch when the statistics read the store. */
    static final int STATS_BATCH_ROWS = 4096;

    private final ActivationStore store;
    private final String name;
    private final Map<String, String> provenance;
    private final TabPane tabs = new TabPane();
    private final Map<String, ActivationStatsViewModel> stats = new LinkedHashMap<>();
    /** MInference budget of the pattern fit, as a share of the valid cells (as the CLI's default). */
    static final double PATTERN_BUDGET = 0.1;

    private AttentionAtlasView atlasView;
    private StoreAtlas atlas;
    private TabPane attentionTabs;
    private HeadTableView headTable;
    private TokenAttentionView tokenView;
    private StackPane headPane;
    private StackPane chartsPane;
    private volatile List<HeadAnalysis.HeadReport> heads;
    private Task<?> analysis;

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
        headTable = new HeadTableView("attention-heads-" + name);
        headTable.setId("storeHeadTable");
        headTable.setOnHeadSelected((layer, h) -> {
            if (atlasView != null && atlasView.model().head(layer, h) != null) atlasView.select(layer, h);
        });
        tokenView = new TokenAttentionView();
        headPane = new StackPane(new Label("Click a head (in the atlas or the table) to open it"));
        headPane.setId("storeHeadPane");
        chartsPane = new StackPane(new Label("Computing the metrics of every head\u2026"));
        chartsPane.setId("storeAttentionCharts");
        Tab atlasTab = new Tab("Atlas");
        atlasTab.setId("storeAtlasSub");
        atlasTab.setContent(new StackPane(new Label("Reading the attention maps of the first example\u2026")));
        Tab tableTab = new Tab("Heads table", headTable);
        tableTab.setId("storeHeadTableTab");
        Tab chartsTab = new Tab("Charts by layer", chartsPane);
        chartsTab.setId("storeAttentionChartsTab");
        attentionTabs = new TabPane(atlasTab, tableTab, chartsTab);
        int heads = StoreAtlas.mapTensors(store).getFirst().dim();
        if (sparsity.attention.KeyEntropy.applies(store, heads)) attentionTabs.getTabs().add(keyEntropyTab(heads));
        attentionTabs.setId("storeAttentionTabs");
        attentionTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        SplitPane right = new SplitPane(headPane, tokenView);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.78);
        SplitPane split = new SplitPane(attentionTabs, right);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.55);
        BorderPane pane = new BorderPane(split);
        tab.setContent(pane);
        loadAtlas(pane, 0);
        analyzeHeads();
    }

    /**
     * UNComp's key-matrix entropy of every head, for the captured tensors of rows that split into
     * the heads (capture the key projections, e.g. {@code /encoder/layer.*}{@code /attention/self/key/Add_output_0}),
     * computed in the background.
     */
    private Tab keyEntropyTab(int heads) {
        javafx.scene.control.TableView<java.util.List<String>> table = new javafx.scene.control.TableView<>();
        table.setId("storeKeyEntropyTable");
        table.setPlaceholder(new Label("Computing the key matrices' entropy\u2026"));
        table.setColumnResizePolicy(javafx.scene.control.TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        Tab tab = new Tab("Key entropy (UNComp)", table);
        tab.setId("storeKeyEntropyTab");
        Task<sparsity.views.export.TableData> t = new Task<>() {
            @Override
            protected sparsity.views.export.TableData call() throws InterruptedException {
                return sparsity.views.attention.KeyEntropyTables.table(sparsity.attention.KeyEntropy.of(store, heads, 16_384));
            }
        };
        t.setOnSucceeded(e -> {
            sparsity.views.export.TableData d = t.getValue();
            for (int c = 0; c < d.columns().size(); c++) {
                final int col = c;
                javafx.scene.control.TableColumn<java.util.List<String>, String> tc = new javafx.scene.control.TableColumn<>(d.columns().get(c));
                tc.setCellValueFactory(cd -> new javafx.beans.property.ReadOnlyStringWrapper(cd.getValue().get(col)));
                table.getColumns().add(tc);
            }
            table.getItems().setAll(d.rows());
            sparsity.views.export.ExportActions.install(table, () -> d, "key-entropy-" + name);
        });
        t.setOnFailed(e -> table.setPlaceholder(new Label("Could not compute the key entropy: " + t.getException().getMessage())));
        Thread th = new Thread(t, "store-key-entropy");
        th.setDaemon(true);
        th.start();
        return tab;
    }

    /** Computes every head's metrics over all examples in the background, with progress in the table. */
    private void analyzeHeads() {
        Task<List<HeadAnalysis.HeadReport>> t = new Task<>() {
            @Override
            protected List<HeadAnalysis.HeadReport> call() throws InterruptedException {
                HeadAnalysis.InductionLayout probe = inductionProbe();
                Platform.runLater(() -> headTable.setInductionProbe(probe));
                return HeadAnalysis.analyze(store, HeadMetrics.Settings.defaults(), PATTERN_BUDGET, probe,
                        (done, message) -> updateProgressAndMessage(done, message));
            }

            private void updateProgressAndMessage(double done, String message) {
                updateProgress(done, 1);
                updateMessage(message);
            }
        };
        t.progressProperty().addListener((o, was, now) -> headTable.setProgress(now.doubleValue(), t.getMessage()));
        t.setOnSucceeded(e -> {
            heads = t.getValue();
            headTable.setReports(heads);
            chartsPane.getChildren().setAll(charts(heads));
            if (atlas != null && atlasView != null && atlasView.model().maps().size() == atlas.atlas().maps().size()) {
                atlasView.setCaptions(HeadTables.captioned(atlas.atlas(), heads));
            }
        });
        t.setOnFailed(e -> headTable.setError("Could not compute the head metrics: " + t.getException().getMessage()));
        analysis = t;
        Thread th = new Thread(t, "store-head-metrics");
        th.setDaemon(true);
        th.start();
    }

    /**
     * The induction-probe layout when every example repeats one block of tokens at the same place
     * (as the repeated random sequences do), else null: then no induction scores are measured.
     */
    private HeadAnalysis.InductionLayout inductionProbe() {
        if (store.tokens() == 0 || store.examples() == 0) return null;
        List<List<Integer>> ids = new ArrayList<>();
        for (int e = 0; e < store.examples(); e++) {
            long first = store.exampleFirstToken(e);
            int n = store.exampleTokens(e);
            if (n > InductionProbes.MAX_SCAN) return null;
            List<Integer> t = new ArrayList<>(n);
            for (int i = 0; i < n; i++) t.add(store.token(first + i).tokenId());
            ids.add(t);
        }
        return InductionProbes.detect(ids);
    }

    private Node charts(List<HeadAnalysis.HeadReport> reports) {
        VBox box = new VBox(8);
        box.setPadding(new Insets(6));
        for (JFreeChart chart : List.of(AttentionCharts.entropyByLayer(reports), AttentionCharts.densityByLayer(reports))) {
            ChartViewer viewer = new ChartViewer(chart);
            viewer.setPrefSize(600, 330);
            viewer.setMinHeight(220);
            String base = chart.getTitle().getText() + " " + name;
            ExportActions.install(viewer, chart, base);
            javafx.scene.control.Button png = ExportActions.exportButton(chart, base);
            javafx.scene.control.Button csv = ExportActions.exportButton(() -> Charts.datasetTable(chart), base);
            javafx.scene.layout.HBox bar = new javafx.scene.layout.HBox(8, png, csv);
            bar.setAlignment(javafx.geometry.Pos.CENTER_RIGHT);
            VBox.setVgrow(viewer, javafx.scene.layout.Priority.ALWAYS);
            box.getChildren().addAll(bar, viewer);
        }
        javafx.scene.control.ScrollPane scroll = new javafx.scene.control.ScrollPane(box);
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        return scroll;
    }

    /** Reads the maps of one example in the background and shows its atlas with an example chooser. */
    private void loadAtlas(BorderPane pane, int example) {
        Task<StoreAtlas> t = new Task<>() {
            @Override
            protected StoreAtlas call() {
                return StoreAtlas.of(store, example, name + ", example " + example);
            }
        };
        Tab atlasTab = attentionTabs.getTabs().getFirst();
        t.setOnSucceeded(e -> {
            AttentionAtlasView.HeadRef open = atlasView == null ? null : atlasView.selectedProperty().get();
            atlas = t.getValue();
            showAtlas();
            // the open head stays open, now with this example's map
            if (open != null && atlas.atlas().head(open.layer(), open.head()) != null) {
                atlasView.select(open.layer(), open.head());
            } else {
                headPane.getChildren().setAll(new Label("Click a head (in the atlas or the table) to open it"));
            }
            pane.setTop(exampleBar(pane, example));
        });
        t.setOnFailed(e -> atlasTab.setContent(new StackPane(new Label("Could not read the attention maps: "
                + t.getException().getMessage()))));
        Thread th = new Thread(t, "store-atlas");
        th.setDaemon(true);
        th.start();
    }

    /** Shows the atlas read last, captioned from the head reports once they are computed. */
    private void showAtlas() {
        AtlasModel model = heads == null ? atlas.atlas() : HeadTables.captioned(atlas.atlas(), heads);
        atlasView = new AttentionAtlasView(model);
        atlasView.setId("storeAtlas");
        atlasView.setOnHeadSelected((layer, h) -> headPane.getChildren().setAll(headView(layer, h)));
        attentionTabs.getTabs().getFirst().setContent(atlasView);
    }

    private Node exampleBar(BorderPane pane, int example) {
        javafx.scene.control.Spinner<Integer> chooser = new javafx.scene.control.Spinner<>(0, Math.max(0, store.examples() - 1), example);
        chooser.setId("storeAtlasExample");
        chooser.setEditable(true);
        chooser.setPrefWidth(100);
        chooser.valueProperty().addListener((o, was, now) -> {
            if (now != null && now != example) loadAtlas(pane, now);
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
        HeadAnalysis.HeadReport r = heads == null ? null : HeadTables.find(heads, layer, head);
        String headName = "L" + layer + ".H" + head + (r == null ? "" : " " + r.label());
        List<String> keys = atlas.tokens() != null && atlas.tokens().size() == h.cols() ? atlas.tokens() : null;
        tokenView.setHead(headName, h.map(), h.rows(), h.cols(), keys);
        v.setOnCellClicked(c -> tokenView.selectQuery(c.row()));
        // a click on a row label (left of the plot) selects that query token too
        v.canvas().addEventHandler(javafx.scene.input.MouseEvent.MOUSE_CLICKED, e -> {
            double[] rect = v.plotRect();
            if (e.getClickCount() != 1 || e.getX() >= rect[0] || e.getY() < rect[1] || e.getY() >= rect[1] + rect[3]) return;
            int row = (int) Math.floor(hvm.viewport().rowAt(e.getY() - rect[1], rect[3]));
            if (row >= 0 && row < h.rows()) tokenView.selectQuery(row);
        });
        return v;
    }

    /** The head metrics table (null before the attention tab was shown). */
    public HeadTableView headTable() {
        return headTable;
    }

    /** The "from this token" view of the open head (null before the attention tab was shown). */
    public TokenAttentionView tokenView() {
        return tokenView;
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
                    AtlasImages.imageSource(atlasView == null ? atlas.atlas() : atlasView.model(), true), null));
        }
        if (heads != null) {
            items.addAll(AttentionCharts.reportItems(heads, name, "Capture " + name, prov));
        }
        return items;
    }

    /** Unmaps the store (retrying in the background while a reader still holds it). */
    public void close() {
        if (analysis != null) analysis.cancel();
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
