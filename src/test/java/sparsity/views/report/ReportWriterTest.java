package sparsity.views.report;

import java.awt.image.BufferedImage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.views.export.TableData;
import sparsity.views.model.ModelReport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {

    private static ModelSummary summary;

    @TempDir
    Path dir;

    @BeforeAll
    static void read() throws Exception {
        summary = OnnxModels.summarize(SampleModels.path(SampleModels.MINILM), ProgressListener.NONE);
    }

    static List<String> links(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?:href|src)=\"([^\"#][^\"]*)\"").matcher(html);
        while (m.find()) out.add(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void theMiniLmReportHasEveryItemAndEveryLinkedFile() throws Exception {
        List<ReportItem> items = ModelReport.items(summary);
        Path index = ReportWriter.write("all-MiniLM-L6-v2", items, dir);
        assertEquals(dir.resolve("index.html"), index);
        String html = Files.readString(index);
        for (ReportItem it : items) {
            assertTrue(html.contains("<h3>" + ReportWriter.esc(it.title()) + "</h3>"), it.title());
        }
        List<String> links = links(html);
        long images = items.stream().filter(i -> i.image() != null).count();
        long tables = items.stream().filter(i -> i.table() != null).count();
        assertEquals(images, links.stream().filter(l -> l.endsWith(".png")).distinct().count());
        assertEquals(tables, links.stream().filter(l -> l.endsWith(".csv")).distinct().count());
        for (String link : links) assertTrue(Files.isRegularFile(dir.resolve(link)), "linked file exists: " + link);

        BufferedImage ops = ImageIO.read(dir.resolve("all-minilm-l6-v2-op-types.png").toFile());
        assertEquals(1200, ops.getWidth());
        assertEquals(700, ops.getHeight());
        List<String> tensorCsv = Files.readAllLines(dir.resolve("all-minilm-l6-v2-tensors.csv"));
        assertEquals(1 + 637, tensorCsv.size());
        assertTrue(Files.readString(dir.resolve("all-minilm-l6-v2-op-types.csv")).contains("\r\nSoftmax,6\r\n"));
        assertTrue(html.contains("<dt>sha256</dt><dd>" + summary.sha256() + "</dd>"));
        assertTrue(html.contains("<dt>opset</dt><dd>ai.onnx 11</dd>"));
        assertTrue(html.contains("<h2>Model all-minilm-l6-v2.onnx</h2>"));
        assertTrue(html.contains("First 50 of 637 rows"), "the tensor table preview is cut at 50 rows");
    }

    @Test
    void titlesAndCellsAreEscaped() throws Exception {
        TableData t = new TableData("t", List.of("<col>"), List.of(List.of("a & <b>")));
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("source", "x\"y'z");
        ReportItem item = new ReportItem("odd", "Weights <&> \"quoted\"", "Section <1>", prov, null, t);
        String html = Files.readString(ReportWriter.write("Report <&>", List.of(item), dir));
        assertTrue(html.contains("<title>Report &lt;&amp;&gt;</title>"));
        assertTrue(html.contains("<h3>Weights &lt;&amp;&gt; &quot;quoted&quot;</h3>"));
        assertTrue(html.contains("<h2>Section &lt;1&gt;</h2>"));
        assertTrue(html.contains("<th>&lt;col&gt;</th>"));
        assertTrue(html.contains("<td>a &amp; &lt;b&gt;</td>"));
        assertTrue(html.contains("<dd>x&quot;y&#39;z</dd>"));
        assertFalse(html.contains("<&>"));
        assertFalse(html.contains("<b>"));
    }

    @Test
    void fileNamesAreSafeAndNeverCollide() throws Exception {
        TableData t = new TableData("t", List.of("a"), List.of(List.of("1")));
        List<ReportItem> items = List.of(
                new ReportItem("x/y", "first", "s", Map.of(), null, t),
                new ReportItem("X y", "second", "s", Map.of(), null, t),
                new ReportItem("index", "third", "s", Map.of(), null, t),
                new ReportItem("../../escape", "fourth", "s", Map.of(), null, t));
        String html = Files.readString(ReportWriter.write("r", items, dir));
        assertEquals(List.of("x-y.csv", "x-y-2.csv", "index-2.csv", "escape.csv"), links(html));
        try (var files = Files.list(dir)) {
            assertEquals(5, files.count(), "four CSVs and index.html, nothing outside the folder");
        }
    }

    @Test
    void sectionsKeepTheirFirstOrder() throws Exception {
        TableData t = new TableData("t", List.of("a"), List.of(List.of("1")));
        List<ReportItem> items = List.of(
                new ReportItem("a", "A", "Beta", Map.of(), null, t),
                new ReportItem("b", "B", "Alpha", Map.of(), null, t),
                new ReportItem("c", "C", "Beta", Map.of(), null, t));
        String html = Files.readString(ReportWriter.write("r", items, dir));
        int beta = html.indexOf("<h2>Beta</h2>");
        int alpha = html.indexOf("<h2>Alpha</h2>");
        assertTrue(beta > 0 && alpha > beta);
        assertTrue(html.indexOf("<h3>C</h3>") < alpha, "C is in the Beta section");
    }

    @Test
    void aPlainHeadlessJvmWritesTheReport() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), HeadlessReportMain.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("no JavaFX thread"), out);
        assertTrue(Files.readString(dir.resolve("index.html")).contains("Magnitude histogram of all float weights"));
    }
}
