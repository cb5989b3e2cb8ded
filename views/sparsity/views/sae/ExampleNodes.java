package sparsity.views.sae;

import java.util.Locale;
import java.util.function.Consumer;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import sparsity.sae.features.ExampleImages;
import sparsity.views.model.Formats;
import sparsity.views.sae.LatentBrowserViewModel.ExampleLine;
import sparsity.views.sae.LatentBrowserViewModel.TokenValue;

/** How an example reads in the browser: its tokens shaded by a latent's value, or its thumbnail. */
final class ExampleNodes {

    /** Style class of a token label. */
    static final String TOKEN = "latent-token";
    /** Style class of the token an example was picked for. */
    static final String FOCUS = "latent-token-focus";

    private ExampleNodes() {
    }

    private static final java.util.regex.Pattern SPECIAL = java.util.regex.Pattern.compile(
            "^\\[[A-Z]+\\]$|^</?s>$|^<\\|.*\\|>$|^<(pad|unk|mask)>$");

    private static void flush(TextFlow flow, StringBuilder plain) {
        if (plain.isEmpty()) return;
        flow.getChildren().add(new Text(plain.toString()));
        plain.setLength(0);
    }

    /** The shade of a value relative to the latent's maximum: orange with alpha in [0, 0.9]. */
    static String shade(float value, float max) {
        double a = max > 0 && value > 0 ? Math.min(1, value / max) : 0;
        return String.format(Locale.ROOT, "rgba(255,112,0,%.3f)", 0.9 * a);
    }

    /**
     * One example as a line: the value, a link to its codes, and the tokens as a flow of labels
     * shaded by the latent's value ({@code max}: the value drawn fully opaque).
     */
    static Node textLine(ExampleLine line, float max, Consumer<Integer> openExample, Consumer<String> hover) {
        Label value = new Label(Formats.magnitude(line.value()));
        value.setMinWidth(58);
        value.setAlignment(Pos.CENTER_RIGHT);
        value.setStyle("-fx-font-weight: bold; -fx-font-family: monospace;");
        Hyperlink link = new Hyperlink("#" + line.example());
        link.setTooltip(new Tooltip("Show the codes of example " + line.example() + " in the code raster"));
        link.setOnAction(e -> openExample.accept(line.example()));
        link.setPadding(new Insets(0, 4, 0, 4));
        link.setMinWidth(Hyperlink.USE_PREF_SIZE);
        TextFlow flow = new TextFlow();
        flow.setLineSpacing(3);
        StringBuilder plain = new StringBuilder(line.cutBefore() ? "\u2026 " : "");
        for (int i = 0; i < line.tokens().size(); i++) {
            TokenValue t = line.tokens().get(i);
            String text = t.text();
            boolean special = SPECIAL.matcher(text.strip()).matches();
            if (t.value() == 0 && i != line.focus() && !special) {
                plain.append(text); // inactive tokens run on as plain text, so words are not cut apart
                continue;
            }
            int lead = 0;
            while (lead < text.length() && text.charAt(lead) == ' ') lead++;
            plain.append(text, 0, lead);
            flush(flow, plain);
            if (special && t.value() == 0) {
                Text sp = new Text(text.substring(lead));
                sp.setFill(Color.web("#9a9a9a"));
                flow.getChildren().add(sp);
                continue;
            }
            Label l = new Label(text.substring(lead));
            l.getStyleClass().add(TOKEN);
            String style = "-fx-background-color: " + shade(t.value(), max) + "; -fx-background-radius: 2; -fx-padding: 0;";
            if (i == line.focus()) {
                l.getStyleClass().add(FOCUS);
                style += " -fx-border-color: transparent transparent #b23c00 transparent; -fx-border-width: 0 0 2 0;";
            }
            if (special) style += " -fx-text-fill: #777777;";
            l.setStyle(style);
            String desc = "'" + text.strip() + "' \u00b7 " + (t.value() == 0 ? "not active" : Formats.magnitude(t.value()));
            l.setOnMouseEntered(e -> hover.accept(desc));
            flow.getChildren().add(l);
        }
        if (line.cutAfter()) plain.append(" \u2026");
        flush(flow, plain);
        HBox.setHgrow(flow, Priority.ALWAYS);
        HBox box = new HBox(4, value, link, flow);
        box.setAlignment(Pos.TOP_LEFT);
        box.setPadding(new Insets(3, 4, 3, 0));
        box.setStyle("-fx-border-color: transparent transparent #eeeeee transparent;");
        return box;
    }

    /** One image example as a tile: its thumbnail (or a note), its value and a link to its codes. */
    static Node imageTile(ExampleLine line, Consumer<Integer> openExample) {
        Node picture;
        if (line.image() instanceof ExampleImages.Picture p) {
            picture = imageView(p, 64);
        } else {
            Label none = new Label("no image");
            none.setPrefSize(64, 64);
            none.setAlignment(Pos.CENTER);
            none.setStyle("-fx-border-color: #cccccc; -fx-text-fill: #888888;");
            if (line.image() instanceof ExampleImages.Unavailable u) none.setTooltip(new Tooltip(u.reason()));
            picture = none;
        }
        Label value = new Label(Formats.magnitude(line.value()));
        value.setStyle("-fx-font-weight: bold; -fx-font-family: monospace;");
        Hyperlink link = new Hyperlink("#" + line.example());
        link.setOnAction(e -> openExample.accept(line.example()));
        link.setPadding(Insets.EMPTY);
        VBox tile = new VBox(1, picture, value, link);
        tile.setAlignment(Pos.CENTER);
        tile.setPadding(new Insets(3));
        Tooltip.install(tile, new Tooltip(line.name()));
        return tile;
    }

    /** A picture at {@code size} pixels a side (nearest neighbour: small digits stay crisp). */
    static ImageView imageView(ExampleImages.Picture p, double size) {
        WritableImage img = new WritableImage(p.width(), p.height());
        img.getPixelWriter().setPixels(0, 0, p.width(), p.height(), PixelFormat.getIntArgbInstance(), p.argb(), 0, p.width());
        ImageView v = new ImageView(img);
        v.setSmooth(false);
        v.setPreserveRatio(true);
        v.setFitWidth(p.width() >= p.height() ? size : 0);
        v.setFitHeight(p.height() > p.width() ? size : 0);
        return v;
    }
}
