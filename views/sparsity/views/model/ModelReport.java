package sparsity.views.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jfree.chart.JFreeChart;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.ParameterStats;
import sparsity.views.charts.Charts;
import sparsity.views.charts.Histogram;
import sparsity.views.export.FileNames;
import sparsity.views.export.ImageSource;
import sparsity.views.report.ReportItem;

/**
 * The model view's tables and charts as report items, for File > Export report and
 * {@code ./workbench report}. FX-free: runs headless.
 */
public final class ModelReport {

    /** How many of the largest parameters get a histogram of their own in the report. */
    public static final int LARGEST_PARAMETER_HISTOGRAMS = 3;

    private ModelReport() {
    }

    /** Provenance of everything taken from one model: file, sha256, producer, IR version, opsets. */
    public static Map<String, String> provenance(ModelSummary s) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("file", s.file().toAbsolutePath().toString());
        p.put("sha256", s.sha256());
        p.put("producer", Formats.producer(s.producerName(), s.producerVersion()));
        p.put("IR version", Long.toString(s.irVersion()));
        p.put("opset", Formats.opsets(s.opsets()));
        return p;
    }

    /**
     * Items, in view order: model facts, inputs, outputs, op types (chart + table), parameters,
     * the whole-model magnitude histogram, the histograms of the largest parameters, and the
     * intermediate tensors. Ids start with the model's file name, so several models can share a
     * report.
     */
    public static List<ReportItem> items(ModelSummary s) {
        String file = s.file().getFileName().toString();
        String id = FileNames.safe(file.replaceFirst("(?i)\\.onnx$", ""));
        String section = "Model " + file;
        Map<String, String> prov = provenance(s);
        List<ReportItem> out = new ArrayList<>();
        out.add(new ReportItem(id + "-summary", "Model summary", section, prov, null, ModelTables.summary(s)));
        out.add(new ReportItem(id + "-inputs", "Inputs", section, prov, null, ModelTables.inputs(s.inputs())));
        out.add(new ReportItem(id + "-outputs", "Outputs", section, prov, null, ModelTables.outputs(s.outputs())));
        JFreeChart ops = Charts.opCounts(s.opCounts(), "Nodes per op type");
        out.add(new ReportItem(id + "-op-types", "Op types (" + s.nodeCount() + " nodes)", section, prov,
                ImageSource.of(ops), ModelTables.ops(ModelTables.opCounts(s))));
        out.add(new ReportItem(id + "-parameters", "Parameters (" + Formats.count(s.totalParameters()) + " in "
                + s.parameters().size() + " tensors)", section, prov, null, ModelTables.parameters(s.parameters())));
        JFreeChart all = Charts.modelHistogram(s.parameters(), true);
        Map<String, String> allProv = new LinkedHashMap<>(prov);
        allProv.put("histogram", "|w| of every float initializer (Constant nodes left out), re-binned from per-tensor histograms of "
                + ParameterStats.HISTOGRAM_BINS + " bins; log count axis");
        out.add(new ReportItem(id + "-magnitudes", "Magnitude histogram of all float weights", section, allProv,
                ImageSource.of(all), Charts.datasetTable(all)));
        List<ParameterStats> largest = s.parameters().stream().filter(Histogram::isFloatWeight)
                .sorted(Comparator.comparingLong(ParameterStats::count).reversed())
                .limit(LARGEST_PARAMETER_HISTOGRAMS).toList();
        for (ParameterStats p : largest) {
            JFreeChart h = Charts.parameterHistogram(p, true);
            Map<String, String> pp = new LinkedHashMap<>(prov);
            pp.put("parameter", p.name());
            pp.put("shape", p.shapeText());
            out.add(new ReportItem(id + "-magnitudes-" + p.name(), "Magnitude histogram of " + p.name(), section, pp,
                    ImageSource.of(h), Charts.datasetTable(h)));
        }
        out.add(new ReportItem(id + "-tensors", "Intermediate tensors (" + s.tensors().size() + ")", section, prov,
                null, ModelTables.tensors(s.tensors())));
        return List.copyOf(out);
    }
}
