package sparsity.views.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import sparsity.views.export.ImageSource;
import sparsity.views.export.TableData;

/**
 * One chart and/or table of a report, with where it came from.
 *
 * @param id         stable identifier; the report's file names are made from it
 * @param title      what the item shows
 * @param section    the report section it belongs to (e.g. "Model all-minilm-l6-v2.onnx")
 * @param provenance where it came from (file, sha256, producer, settings ...), in display order
 * @param image      the chart, or null for a table-only item
 * @param table      the data, or null for an image-only item
 */
public record ReportItem(String id, String title, String section, Map<String, String> provenance,
                         ImageSource image, TableData table) {

    public ReportItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(section, "section");
        if (id.isBlank()) throw new IllegalArgumentException("a report item needs an id");
        if (image == null && table == null) {
            throw new IllegalArgumentException("report item '" + id + "' has neither an image nor a table");
        }
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance == null ? Map.of() : provenance));
    }
}
