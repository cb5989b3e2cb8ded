package sparsity.views.export;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javafx.application.Platform;
import javafx.scene.control.Button;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportActionsTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void startFx() {
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // another test class of this JVM started it
        }
    }

    @AfterEach
    void restore() {
        ExportActions.setFileTarget(FileTarget.chooser());
        ExportActions.setOnExported(p -> { });
        ExportActions.setOnError((p, e) -> { });
    }

    static void onFx(Runnable r) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                r.run();
            } finally {
                done.countDown();
            }
        });
        assertTrue(done.await(20, TimeUnit.SECONDS));
    }

    @Test
    void aToolbarButtonWritesTheTableWhereTheTargetSays() throws Exception {
        BlockingQueue<Path> written = new ArrayBlockingQueue<>(2);
        ExportActions.setFileTarget(FileTarget.folder(dir));
        ExportActions.setOnExported(written::add);
        TableData t = new TableData("t", List.of("a", "b"), List.of(List.of("1", "x,y")));
        onFx(() -> {
            Button b = ExportActions.exportButton(() -> t, "My table: v1");
            assertEquals(ExportActions.CSV_TEXT, b.getText());
            b.fire();
        });
        Path f = written.poll(20, TimeUnit.SECONDS);
        assertEquals(dir.resolve("my-table-v1.csv"), f);
        assertEquals("a,b\r\n1,\"x,y\"\r\n", Files.readString(f));
    }

    @Test
    void cancellingTheTargetWritesNothingAndAsksForNoData() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        ExportActions.setFileTarget((owner, name) -> null);
        onFx(() -> ExportActions.exportCsv(null, () -> {
            asked.incrementAndGet();
            return new TableData("t", List.of("a"), List.of());
        }, "t"));
        assertEquals(0, asked.get());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aFailedExportIsReportedWithItsFile() throws Exception {
        BlockingQueue<String> errors = new ArrayBlockingQueue<>(2);
        Path blocked = dir.resolve("not-a-folder");
        Files.writeString(blocked, "a file where the export wants a folder");
        ExportActions.setFileTarget((owner, name) -> blocked.resolve(name));
        ExportActions.setOnError((p, e) -> errors.add(p.getFileName() + ": " + e.getClass().getSimpleName()));
        onFx(() -> ExportActions.exportPng(null, (w, h) -> new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "chart"));
        String error = errors.poll(20, TimeUnit.SECONDS);
        assertTrue(error != null && error.startsWith("chart.png: "), String.valueOf(error));
        assertFalse(Files.exists(blocked.resolve("chart.png")));
    }
}
