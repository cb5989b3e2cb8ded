package sparsity.app.ui;

import java.nio.file.Path;
import java.util.List;

import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.input.KeyCombination;
import sparsity.analysis.samples.SampleModels;

/** The menu bar of the main window, with stable ids on every menu and item. */
final class MainMenus {

    private MainMenus() {
    }

    static MenuBar build(MainWindow w) {
        MenuBar bar = new MenuBar(fileMenu(w), viewMenu(w), captureMenu(w), autoencoderMenu(w), pruneMenu(w), helpMenu(w));
        bar.setId("menuBar");
        return bar;
    }

    private static Menu fileMenu(MainWindow w) {
        Menu file = new Menu("_File");
        file.setId("fileMenu");

        MenuItem open = item("Open model...", "openModelItem", "Shortcut+O");
        open.setOnAction(e -> w.openModelDialog());

        Menu recent = new Menu("Open recent");
        recent.setId("openRecentMenu");
        // a menu needs an item to open at all; the list is rebuilt each time it shows
        recent.getItems().add(new MenuItem("(none)"));
        recent.setOnShowing(e -> fillRecent(recent, w));
        fillRecent(recent, w);

        Menu samples = new Menu("Open sample");
        samples.setId("openSampleMenu");
        for (SampleModels.Sample s : SampleModels.all()) {
            MenuItem it = item(s.title(), "openSample-" + FxIds.safe(s.id()), null);
            it.setOnAction(e -> w.openSample(s));
            samples.getItems().add(it);
        }

        MenuItem openWs = item("Open workspace...", "openWorkspaceItem", null);
        openWs.setOnAction(e -> w.workspace().openDialog());
        MenuItem saveWs = item("Save workspace", "saveWorkspaceItem", "Shortcut+S");
        saveWs.setOnAction(e -> w.workspace().save());
        MenuItem saveWsAs = item("Save workspace as...", "saveWorkspaceAsItem", "Shortcut+Shift+S");
        saveWsAs.setOnAction(e -> w.workspace().saveAsDialog());

        MenuItem export = item("Export report...", "exportReportItem", "Shortcut+E");
        export.setOnAction(e -> w.exportReportDialog());

        MenuItem quit = item("Quit", "quitItem", "Shortcut+Q");
        quit.setOnAction(e -> w.quit());

        file.getItems().addAll(open, recent, samples, new SeparatorMenuItem(), openWs, saveWs, saveWsAs,
                new SeparatorMenuItem(), export, new SeparatorMenuItem(), quit);
        return file;
    }

    private static void fillRecent(Menu recent, MainWindow w) {
        List<Path> paths = w.recentModels();
        recent.getItems().clear();
        if (paths.isEmpty()) {
            MenuItem none = item("(no recent models)", "noRecentItem", null);
            none.setDisable(true);
            recent.getItems().add(none);
            return;
        }
        int i = 0;
        for (Path p : paths) {
            MenuItem it = item(p.getFileName() + "  —  " + p.toAbsolutePath().getParent(), "recentItem-" + i++, null);
            it.setMnemonicParsing(false);
            it.setOnAction(e -> w.openRecent(p));
            recent.getItems().add(it);
        }
    }

    private static Menu viewMenu(MainWindow w) {
        Menu view = new Menu("_View");
        view.setId("viewMenu");
        CheckMenuItem sidebar = new CheckMenuItem("Workspace sidebar");
        sidebar.setId("showSidebarItem");
        sidebar.setSelected(true);
        sidebar.selectedProperty().addListener((obs, old, on) -> w.showSidebar(on));
        MenuItem closeTab = item("Close tab", "closeTabItem", "Shortcut+W");
        closeTab.setOnAction(e -> w.closeActiveTab());
        MenuItem clearErrors = item("Dismiss all errors", "clearErrorsItem", null);
        clearErrors.setOnAction(e -> w.clearErrors());
        view.getItems().addAll(sidebar, closeTab, clearErrors);
        return view;
    }

    private static Menu captureMenu(MainWindow w) {
        Menu capture = new Menu("_Capture");
        capture.setId("captureMenu");
        MenuItem tensors = item("Capture selected tensors...", "captureItem", "Shortcut+Shift+C");
        tensors.setOnAction(e -> w.captures().openDialogForActive(false));
        MenuItem attention = item("Capture attention maps...", "captureAttentionItem", null);
        attention.setOnAction(e -> w.captures().openDialogForActive(true));
        capture.setOnShowing(e -> {
            var m = w.tabs().active();
            tensors.setDisable(m.isEmpty());
            attention.setDisable(m.isEmpty() || !CaptureToolbar.hasSoftmax(m.get()));
        });
        capture.getItems().addAll(tensors, attention);
        return capture;
    }

    private static Menu autoencoderMenu(MainWindow w) {
        Menu menu = new Menu("_Autoencoders");
        menu.setId("autoencoderMenu");
        MenuItem train = item("Train on the chosen capture...", "trainAutoencoderItem", "Shortcut+Shift+T");
        train.setOnAction(e -> w.autoencoders().openDialogForSelected());
        MenuItem compare = item("Compare runs", "compareRunsItem", null);
        compare.setOnAction(e -> w.autoencoders().showRuns());
        menu.getItems().addAll(train, compare);
        return menu;
    }

    private static Menu pruneMenu(MainWindow w) {
        Menu menu = new Menu("_Prune");
        menu.setId("pruneMenu");
        MenuItem prune = item("Prune the model in front...", "pruneItem", null);
        prune.setOnAction(e -> w.pruning().openDialogForActive());
        MenuItem sweep = item("Sweep methods x sparsity on the model in front...", "sweepItem", null);
        sweep.setOnAction(e -> w.pruning().openSweepDialogForActive());
        menu.getItems().addAll(prune, sweep);
        return menu;
    }

    private static Menu helpMenu(MainWindow w) {
        Menu help = new Menu("_Help");
        help.setId("helpMenu");
        MenuItem about = item("About Sparsity Workbench", "aboutItem", null);
        about.setOnAction(e -> w.about());
        help.getItems().add(about);
        return help;
    }

    private static MenuItem item(String text, String id, String accelerator) {
        MenuItem it = new MenuItem(text);
        it.setId(id);
        if (accelerator != null) it.setAccelerator(KeyCombination.keyCombination(accelerator));
        return it;
    }
}
