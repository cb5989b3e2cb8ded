package sparsity.views.report;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import sparsity.views.export.Exporter;
import sparsity.views.export.FileNames;
import sparsity.views.export.TableData;

/**
 * Writes a report folder: every item's image as a PNG ({@value #WIDTH}x{@value #HEIGHT}) and
 * table as CSV, plus an {@code index.html} that shows them by section with their provenance.
 * Needs no JavaFX toolkit, so the headless CLI writes the same report as the GUI.
 */
public final class ReportWriter {

    public static final int WIDTH = 1200;
    public static final int HEIGHT = 700;
    /** Rows of each table previewed in index.html (the CSV holds them all). */
    public static final int PREVIEW_ROWS = 50;

    private ReportWriter() {
    }

    /**
     * Writes the report into {@code outDir} (created if needed; files of the same names are
     * replaced) and returns the path of its index.html.
     */
    public static Path write(String reportTitle, List<ReportItem> items, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Set<String> taken = new HashSet<>(Set.of("index"));
        Map<String, List<Written>> sections = new LinkedHashMap<>();
        for (ReportItem item : items) {
            String stem = FileNames.unique(item.id(), taken);
            String png = null;
            String csv = null;
            if (item.image() != null) {
                png = stem + ".png";
                Exporter.writePng(item.image(), WIDTH, HEIGHT, outDir.resolve(png));
            }
            if (item.table() != null) {
                csv = stem + ".csv";
                Exporter.writeCsv(item.table(), outDir.resolve(csv));
            }
            sections.computeIfAbsent(item.section(), s -> new ArrayList<>()).add(new Written(item, stem, png, csv));
        }
        Path index = outDir.resolve("index.html");
        String html = html(reportTitle, items.size(), sections);
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        Exporter.writeAtomically(index, out -> out.write(bytes));
        return index;
    }

    private record Written(ReportItem item, String stem, String png, String csv) {
    }

    private static String html(String title, int count, Map<String, List<Written>> sections) {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n<p class=\"meta\">Created ")
                .append(esc(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())).append(" &middot; ")
                .append(count).append(count == 1 ? " item" : " items").append(" &middot; written by Java ")
                .append(esc(System.getProperty("java.version"))).append(" on ")
                .append(esc(System.getProperty("os.name"))).append("</p>\n");
        h.append("<nav>\n<ul>\n");
        int n = 0;
        for (String section : sections.keySet()) {
            h.append("<li><a href=\"#section-").append(++n).append("\">").append(esc(section)).append("</a></li>\n");
        }
        h.append("</ul>\n</nav>\n");
        n = 0;
        for (Map.Entry<String, List<Written>> s : sections.entrySet()) {
            h.append("<section id=\"section-").append(++n).append("\">\n<h2>").append(esc(s.getKey())).append("</h2>\n");
            for (Written w : s.getValue()) item(h, w);
            h.append("</section>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static void item(StringBuilder h, Written w) {
        ReportItem it = w.item();
        h.append("<article id=\"").append(esc(w.stem())).append("\">\n<h3>").append(esc(it.title())).append("</h3>\n");
        if (w.png() != null) {
            h.append("<a href=\"").append(href(w.png())).append("\"><img src=\"").append(href(w.png()))
                    .append("\" alt=\"").append(esc(it.title())).append("\" width=\"").append(WIDTH)
                    .append("\" height=\"").append(HEIGHT).append("\"></a>\n");
        }
        if (w.csv() != null) {
            TableData t = it.table();
            h.append("<p class=\"files\">Data: <a href=\"").append(href(w.csv())).append("\">").append(esc(w.csv()))
                    .append("</a> (").append(t.rowCount()).append(t.rowCount() == 1 ? " row" : " rows").append(")</p>\n");
            preview(h, t);
        }
        if (!it.provenance().isEmpty()) {
            h.append("<dl class=\"provenance\">\n");
            it.provenance().forEach((k, v) -> h.append("<dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd>\n"));
            h.append("</dl>\n");
        }
        h.append("</article>\n");
    }

    private static void preview(StringBuilder h, TableData t) {
        h.append("<div class=\"table\"><table>\n<thead><tr>");
        for (String c : t.columns()) h.append("<th>").append(esc(c)).append("</th>");
        h.append("</tr></thead>\n<tbody>\n");
        int shown = Math.min(PREVIEW_ROWS, t.rowCount());
        for (int r = 0; r < shown; r++) {
            h.append("<tr>");
            for (String c : t.rows().get(r)) h.append("<td>").append(esc(c)).append("</td>");
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
        if (shown < t.rowCount()) {
            h.append("<p class=\"more\">First ").append(shown).append(" of ").append(t.rowCount())
                    .append(" rows; the CSV holds them all.</p>\n");
        }
    }

    /** HTML text and attribute escaping. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String href(String fileName) {
        return URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1280px;
                   padding: 0 1em; color: #222; }
            h1 { margin-bottom: 0.2em; }
            .meta, .more, .files { color: #555; font-size: 0.9em; }
            nav ul { columns: 2; }
            section { border-top: 2px solid #3b6ea8; margin-top: 2em; }
            article { margin: 1.5em 0 2.5em; }
            img { max-width: 100%; height: auto; border: 1px solid #ddd; }
            .table { max-height: 32em; overflow: auto; border: 1px solid #ddd; }
            table { border-collapse: collapse; font-size: 0.85em; }
            th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
            th { position: sticky; top: 0; background: #f3f3f3; }
            dl.provenance { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; font-size: 0.85em;
                            color: #444; }
            dl.provenance dt { font-weight: 600; }
            dl.provenance dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
            """;
}
