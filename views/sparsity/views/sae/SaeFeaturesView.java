package sparsity.views.sae;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import sparsity.sae.features.FeatureScan;
import sparsity.sae.features.LatentAtlas;
import sparsity.sae.features.LatentExplorer;

/**
 * An autoencoder's features on a store, in two tabs that lead to each other: the
 * {@link LatentBrowserView} (click an example's link to see its codes) and the
 * {@link CodeRasterView} (click a cell to open its latent). Owns the {@link LatentExplorer} it
 * shows: {@link #close()} when the view goes away (it stops the scan and releases the store and
 * the weights).
 *
 * <p>For the app: {@code SaeFeaturesView.open(storeDir, null, saeDir)} (reads the SAELens
 * folder and maps the store: call it off the JavaFX thread for a large autoencoder, or build the
 * explorer in a task and use the constructor), then put the view in a tab; the scan of every row
 * starts at once in the background with progress in the view's header.
 */
public class SaeFeaturesView extends BorderPane implements AutoCloseable {

    private final LatentExplorer explorer;
    private final LatentBrowserView browser;
    private final CodeRasterView raster;
    private final TabPane tabs = new TabPane();
    private final Tab latentsTab = new Tab("Latents");
    private final Tab rasterTab = new Tab("Code raster");

    /**
     * Opens a store and an autoencoder folder and starts scanning.
     *
     * @param tensor the captured tensor the autoencoder reads; null: its hook_name, else the first
     * @throws IOException with a message for the user (see {@link LatentExplorer#open})
     */
    public static SaeFeaturesView open(Path storeDir, String tensor, Path saeDir) throws IOException {
        return new SaeFeaturesView(LatentExplorer.open(storeDir, tensor, saeDir), FeatureScan.Settings.defaults());
    }

    /** A view on an open explorer (which it now owns) that scans with the given settings. */
    public SaeFeaturesView(LatentExplorer explorer, FeatureScan.Settings settings) {
        this(explorer, null, Objects.requireNonNull(settings, "settings"));
    }

    /** A view on an open explorer (which it now owns) showing an atlas computed before. */
    public SaeFeaturesView(LatentExplorer explorer, LatentAtlas atlas) {
        this(explorer, Objects.requireNonNull(atlas, "atlas"), null);
    }

    private SaeFeaturesView(LatentExplorer explorer, LatentAtlas atlas, FeatureScan.Settings settings) {
        this.explorer = Objects.requireNonNull(explorer, "explorer");
        getStyleClass().add("sae-features-view");
        ExampleSource src = ExampleSource.of(explorer);
        String title = explorer.saeName() + " on " + explorer.tensorName();
        LatentBrowserViewModel bvm = new LatentBrowserViewModel(title, src);
        CodeRasterViewModel rvm = new CodeRasterViewModel(title, src);
        browser = new LatentBrowserView(bvm);
        raster = new CodeRasterView(rvm);
        latentsTab.setContent(browser);
        rasterTab.setContent(raster);
        latentsTab.setClosable(false);
        rasterTab.setClosable(false);
        tabs.getTabs().setAll(latentsTab, rasterTab);
        tabs.setId("saeFeatureTabs");
        setCenter(tabs);
        browser.setOnExampleChosen(this::showExample);
        raster.setOnLatentChosen(this::selectLatent);
        if (atlas != null) bvm.setAtlas(atlas);
        else bvm.scan(p -> explorer.scan(settings, p));
        if (explorer.examples() > 0) rvm.show(0);
    }

    public LatentBrowserView browser() {
        return browser;
    }

    public CodeRasterView raster() {
        return raster;
    }

    public LatentExplorer explorer() {
        return explorer;
    }

    /** Shows a latent in the browser tab. */
    public void selectLatent(int latent) {
        browser.viewModel().select(latent);
        tabs.getSelectionModel().select(latentsTab);
    }

    /** Shows an example's codes in the raster tab. */
    public void showExample(int example) {
        raster.viewModel().show(example);
        tabs.getSelectionModel().select(rasterTab);
    }

    /** Stops the scan and releases the explorer (on a background thread: a running batch finishes first). */
    @Override
    public void close() {
        browser.viewModel().cancel();
        Thread t = new Thread(explorer::close, "latent-explorer-close");
        t.setDaemon(true);
        t.start();
    }
}
