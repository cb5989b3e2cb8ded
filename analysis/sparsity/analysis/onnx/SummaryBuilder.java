package sparsity.analysis.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import sparsity.analysis.ProgressListener;

/** Builds a {@link ModelSummary} from a parsed, checked model. */
final class SummaryBuilder {

    /** A path segment that names a repeated block: layer.0, layers.3, h.11, block_2, blocks.1 ... */
    private static final Pattern LAYER_SEGMENT =
            Pattern.compile("(?i)^(layer|layers|h|block|blocks|encoder_layer|decoder_layer|stage|stages)[._]?\\d+$");

    private final Path file;
    private final ModelProto model;
    private final String sha256;
    private final ProgressListener progress;

    SummaryBuilder(Path file, ModelProto model, String sha256, ProgressListener progress) {
        this.file = file;
        this.model = model;
        this.sha256 = sha256;
        this.progress = progress;
    }

    ModelSummary build() throws ModelLoadException, InterruptedException {
        GraphProto g = model.getGraph();
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto op : model.getOpsetImportList()) opsets.put(op.getDomain(), op.getVersion());

        Set<String> initNames = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) initNames.add(t.getName());
        List<TensorSpec> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initNames.contains(v.getName())) inputs.add(spec(v));
        }
        List<TensorSpec> outputs = g.getOutputList().stream().map(SummaryBuilder::spec).toList();

        Map<String, Integer> counts = new HashMap<>();
        for (NodeProto n : g.getNodeList()) counts.merge(n.getOpType(), 1, Integer::sum);
        Map<String, Integer> opCounts = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> opCounts.put(e.getKey(), e.getValue()));

        List<ParameterStats> params = parameters(g);
        long total = 0;
        long totalBytes = 0;
        for (ParameterStats p : params) {
            total += p.count();
            totalBytes += p.bytes();
        }

        Set<String> external = new LinkedHashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            if (TensorValues.isExternal(t)) external.add(TensorValues.External.of(t).location());
        }

        long fileBytes;
        try {
            fileBytes = Files.size(file);
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        progress.update(1.0, "Read " + file.getFileName());
        return new ModelSummary(file, sha256, fileBytes, model.getProducerName(), model.getProducerVersion(),
                g.getName(), model.getIrVersion(), Collections.unmodifiableMap(opsets), List.copyOf(inputs),
                outputs, Collections.unmodifiableMap(opCounts), g.getNodeCount(), List.copyOf(params), total,
                totalBytes, tensors(g), List.copyOf(external));
    }

    private List<ParameterStats> parameters(GraphProto g) throws ModelLoadException, InterruptedException {
        List<TensorProto> stored = new ArrayList<>(g.getInitializerList());
        List<Boolean> fromConstant = new ArrayList<>(Collections.nCopies(stored.size(), false));
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("Constant") || n.getOutputCount() == 0) continue;
            for (AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals("value") && a.hasT()) {
                    stored.add(a.getT().toBuilder().setName(n.getOutput(0)).build());
                    fromConstant.add(true);
                }
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        List<ParameterStats> out = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            if (Thread.interrupted()) throw new InterruptedException();
            TensorProto t = stored.get(i);
            progress.update(0.2 + 0.8 * i / Math.max(1, stored.size()), "Parameter statistics: " + t.getName());
            try {
                out.add(stats(t, dir, fromConstant.get(i)));
            } catch (IOException e) {
                throw new ModelLoadException(file, "cannot read the data of '" + t.getName() + "' (" + e.getMessage() + ")", e);
            }
        }
        return out;
    }

    static ParameterStats stats(TensorProto t, Path dir, boolean fromConstant) throws IOException {
        long count = TensorValues.elementCount(t);
        double[] maxAbs = {0};
        long[] zeros = {0};
        long[] seen = {0};
        boolean numeric = TensorValues.forEach(t, dir, v -> {
            double a = Math.abs(v);
            if (a > maxAbs[0]) maxAbs[0] = a;
            if (v == 0) zeros[0]++;
            seen[0]++;
        });
        long[] hist = new long[ParameterStats.HISTOGRAM_BINS];
        if (numeric && seen[0] > 0) {
            double max = maxAbs[0];
            int bins = hist.length;
            TensorValues.forEach(t, dir, v -> {
                double a = Math.abs(v);
                int b = max == 0 || Double.isNaN(a) ? 0 : (int) Math.min(bins - 1, a / max * bins);
                hist[b]++;
            });
        }
        double zeroFraction = !numeric ? Double.NaN : seen[0] == 0 ? 0 : (double) zeros[0] / seen[0];
        return new ParameterStats(t.getName(), TensorValues.typeName(t.getDataType()), List.copyOf(t.getDimsList()),
                count, TensorValues.storedBytes(t), zeroFraction, maxAbs[0], hist, fromConstant);
    }

    private List<GraphTensor> tensors(GraphProto g) {
        Map<String, ValueInfoProto> known = new HashMap<>();
        for (ValueInfoProto v : g.getValueInfoList()) known.put(v.getName(), v);
        for (ValueInfoProto v : g.getOutputList()) known.put(v.getName(), v);
        List<GraphTensor> out = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            for (String name : n.getOutputList()) {
                if (name.isEmpty()) continue;
                ValueInfoProto v = known.get(name);
                TensorSpec s = v == null ? null : spec(v);
                out.add(new GraphTensor(name, n.getOpType(), n.getName(), group(n.getName().isEmpty() ? name : n.getName()),
                        s == null ? "?" : s.elementType(), s == null ? null : s.shape()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The layer group of a node, from its scoped name: "/encoder/layer.0/attention/self/Softmax"
     * gives "/encoder/layer.0"; "/embeddings/Add" gives "/embeddings"; an unscoped name gives
     * "(top level)".
     */
    static String group(String nodeName) {
        String[] parts = nodeName.split("/");
        StringBuilder prefix = new StringBuilder();
        List<String> segs = new ArrayList<>();
        for (String p : parts) if (!p.isEmpty()) segs.add(p);
        if (segs.size() <= 1) {
            // torch-style dotted names without slashes: "layers.0.attn.MatMul"
            Matcher m = Pattern.compile("(?i)^(.*?(?:layer|layers|h|block|blocks)[._]\\d+)[._/]").matcher(nodeName);
            return m.find() ? m.group(1) : "(top level)";
        }
        for (int i = 0; i < segs.size() - 1; i++) {
            prefix.append('/').append(segs.get(i));
            if (LAYER_SEGMENT.matcher(segs.get(i)).matches()) return prefix.toString();
        }
        return "/" + segs.get(0);
    }

    static TensorSpec spec(ValueInfoProto v) {
        TypeProto type = v.getType();
        if (!type.hasTensorType()) {
            return new TensorSpec(v.getName(), type.getValueCase().name().toLowerCase(java.util.Locale.ROOT), null);
        }
        TypeProto.Tensor tt = type.getTensorType();
        List<String> shape = null;
        if (tt.hasShape()) {
            shape = new ArrayList<>();
            for (TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
                if (d.hasDimValue()) shape.add(Long.toString(d.getDimValue()));
                else if (d.hasDimParam() && !d.getDimParam().isEmpty()) shape.add(d.getDimParam());
                else shape.add("?");
            }
            shape = List.copyOf(shape);
        }
        return new TensorSpec(v.getName(), TensorValues.typeName(tt.getElemType()), shape);
    }
}
