package sparsity.views.export;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExporterTest {

    @TempDir
    Path dir;

    static final TableData TRICKY = new TableData("tricky", List.of("name", "value, with comma", "note"), List.of(
            List.of("plain", "1", "no quoting"),
            List.of("say \"hi\"", "2,5", "line one\nline two"),
            List.of("ünïcödé ✓ 日本", "", "carriage\rreturn"),
            java.util.Arrays.asList(" spaced ", null, "tail")));

    static final String GOLDEN = "name,\"value, with comma\",note\r\n"
            + "plain,1,no quoting\r\n"
            + "\"say \"\"hi\"\"\",\"2,5\",\"line one\nline two\"\r\n"
            + "ünïcödé ✓ 日本,,\"carriage\rreturn\"\r\n"
            + " spaced ,,tail\r\n";

    @Test
    void csvMatchesTheGoldenText() throws Exception {
        Path f = dir.resolve("t.csv");
        Exporter.writeCsv(TRICKY, f);
        byte[] bytes = Files.readAllBytes(f);
        assertArrayEquals(GOLDEN.getBytes(StandardCharsets.UTF_8), bytes);
        assertEquals((byte) 'n', bytes[0], "no byte order mark");
        assertEquals(GOLDEN, Exporter.toCsv(TRICKY));
    }

    @Test
    void csvReplacesAnOldFileAndLeavesNoTempFiles() throws Exception {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "old content that is much longer than the new one ...........");
        Exporter.writeCsv(new TableData("t", List.of("a"), List.of(List.of("1"))), f);
        assertEquals("a\r\n1\r\n", Files.readString(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFile() throws Exception {
        Path f = dir.resolve("keep.csv");
        Files.writeString(f, "previous");
        assertThrows(java.io.IOException.class, () -> Exporter.writeAtomically(f, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new java.io.IOException("disk full");
        }));
        assertEquals("previous", Files.readString(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "the temp file is removed");
        }
    }

    @Test
    void tableRowsMustMatchTheColumns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TableData("bad", List.of("a", "b"), List.of(List.of("1", "2"), List.of("3"))));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TableData("none", List.of(), List.of()));
    }

    @Test
    void pngHasTheRequestedSizeAndPixels() throws Exception {
        ImageSource redLeftHalf = (w, h) -> {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setColor(Color.RED);
            g.fillRect(0, 0, w / 2, h);
            g.dispose();
            return img;
        };
        Path f = dir.resolve("img.png");
        Exporter.writePng(redLeftHalf, 321, 123, f);
        BufferedImage back = ImageIO.read(f.toFile());
        assertEquals(321, back.getWidth());
        assertEquals(123, back.getHeight());
        assertEquals(Color.RED.getRGB(), back.getRGB(10, 60));
        assertEquals(Color.WHITE.getRGB(), back.getRGB(300, 60));
    }

    @Test
    void safeAndUniqueFileNames() {
        assertEquals("encoder-layer.0-attention-softmax", FileNames.safe("/encoder/layer.0/attention/Softmax"));
        assertEquals("uber-naive-cafe", FileNames.safe("Über naïve café"));
        assertEquals("export", FileNames.safe("///"));
        assertEquals("x", FileNames.safe("..x.."));
        Set<String> taken = new TreeSet<>();
        assertEquals("a-b", FileNames.unique("a b", taken));
        assertEquals("a-b-2", FileNames.unique("a/b", taken));
        assertEquals("a-b-3", FileNames.unique("A B", taken));
    }
}
