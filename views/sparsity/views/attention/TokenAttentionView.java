package sparsity.views.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;

/**
 * "From this token", as bertviz's head view draws it: the text of the example as one
 * line-wrapped run of token labels, each tinted by the attention weight that the selected query
 * token gives it (the row of the selected query in the present head), the selected token
 * outlined. Select a query with {@link #selectQuery}; {@link #setHead} shows another head's row
 * for the same query.
 */
public class TokenAttentionView extends BorderPane {

    private static final String OUTLINE = "-fx-border-color: #ff3b30; -fx-border-width: 2;";
    private static final String PLAIN = "-fx-border-color: transparent; -fx-border-width: 2;";

    private final FlowPane flow = new FlowPane(2, 3);
    private final Label caption = new Label("Click a row of the heatmap to see where that token attends");
    private final ReadOnlyIntegerWrapper query = new ReadOnlyIntegerWrapper(-1);
    private final List<Label> labels = new ArrayList<>();
    private float[] map;
    private int rows;
    private int cols;
    private List<String> tokens = List.of();
    private String headName = "";

    public TokenAttentionView() {
        getStyleClass().add("token-attention");
        setId("tokenAttention");
        flow.setId("tokenAttentionFlow");
        flow.setPadding(new Insets(6));
        flow.setStyle("-fx-background-color: white;");
        caption.setId("tokenAttentionCaption");
        caption.setPadding(new Insets(2, 8, 2, 8));
        caption.setStyle("-fx-text-fill: #555555;");
        ScrollPane scroll = new ScrollPane(flow);
        scroll.setFitToWidth(true);
        scroll.setPrefViewportHeight(110);
        setTop(caption);
        setCenter(scroll);
    }

    /**
     * Shows a head: its row-major {@code rows x cols} map (queries x keys) and the key tokens
     * (null: "#j"). Keeps the selected query when the new head has that row.
     */
    public void setHead(String name, float[] map, int rows, int cols, List<String> tokens) {
        this.headName = name == null ? "" : name;
        this.map = map;
        this.rows = rows;
        this.cols = cols;
        List<String> t = new ArrayList<>(cols);
        for (int j = 0; j < cols; j++) t.add(tokens != null && j < tokens.size() ? tokens.get(j) : "#" + j);
        this.tokens = t;
        labels.clear();
        List<Label> ls = new ArrayList<>(cols);
        for (int j = 0; j < cols; j++) {
            Label l = new Label(display(t.get(j)));
            l.setId("tok-" + j);
            l.setPadding(new Insets(1, 3, 1, 3));
            int jj = j;
            l.setOnMouseClicked(e -> {
                if (jj < this.rows) selectQuery(jj);
            });
            l.setCursor(javafx.scene.Cursor.HAND);
            ls.add(l);
        }
        labels.addAll(ls);
        flow.getChildren().setAll(ls);
        int q = query.get();
        query.set(-1);
        selectQuery(q >= 0 && q < rows ? q : -1);
    }

    /** Tints the tokens by the attention row of query {@code i} (-1: none selected). */
    public void selectQuery(int i) {
        if (map == null) return;
        if (i >= rows) throw new IllegalArgumentException("query " + i + " of " + rows);
        query.set(i);
        for (int j = 0; j < labels.size(); j++) {
            Label l = labels.get(j);
            double w = i < 0 ? 0 : weight(i, j);
            l.setStyle(String.format(Locale.ROOT, "-fx-background-color: rgba(59, 110, 168, %.3f); -fx-text-fill: %s; %s",
                    Math.max(0, Math.min(1, w)), w > 0.55 ? "white" : "black", j == i ? OUTLINE : PLAIN));
            l.setTooltip(i < 0 ? null : new Tooltip(String.format(Locale.ROOT, "%s  key %d '%s'\nweight from query %d '%s': %.4f",
                    headName, j, tokens.get(j), i, tokens.get(i < tokens.size() ? i : 0), w)));
        }
        caption.setText(i < 0 ? "Click a row of the heatmap (or a token here) to see where that token attends"
                : String.format(Locale.ROOT, "%s \u00b7 from token %d '%s' \u00b7 strongest: key %d '%s' (%.3f)", headName, i,
                i < tokens.size() ? tokens.get(i) : "", strongest(), tokens.get(strongest()), weight(i, strongest())));
    }

    /** The weight from the selected query to key j (0 when none is selected). */
    public double weight(int j) {
        int i = query.get();
        return i < 0 ? 0 : weight(i, j);
    }

    private double weight(int i, int j) {
        return map[i * cols + j];
    }

    /** The key with the largest weight from the selected query (-1 when none is selected). */
    public int strongest() {
        int i = query.get();
        if (i < 0) return -1;
        int best = 0;
        for (int j = 1; j < cols; j++) if (weight(i, j) > weight(i, best)) best = j;
        return best;
    }

    public ReadOnlyIntegerProperty queryProperty() {
        return query.getReadOnlyProperty();
    }

    /** The token labels, one per key. */
    public List<Label> tokenLabels() {
        return List.copyOf(labels);
    }

    /** Whitespace made visible enough to click: "▁" for a blank token. */
    private static String display(String t) {
        String s = t.replace("\n", "\u21b5");
        return s.isBlank() ? "\u2581" : s;
    }
}
