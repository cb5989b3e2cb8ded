package sparsity.analysis.onnx;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the model view and {@code ./workbench inspect} show about one ONNX model. Built by
 * {@link OnnxModels#summarize}; plain data, so that Jackson can write it without annotations.
 *
 * @param file            the model file that was read
 * @param sha256          hex sha256 of the model file (not of external data files)
 * @param fileBytes       size of the model file in bytes
 * @param producerName    producer_name of the ModelProto ("" when absent)
 * @param producerVersion producer_version ("" when absent)
 * @param graphName       name of the main graph
 * @param irVersion       ONNX IR version
 * @param opsets          opset imports: domain ("" is the default ai.onnx domain) to version
 * @param inputs          graph inputs that are real inputs (initializers excluded)
 * @param outputs         graph outputs
 * @param opCounts        op type to number of nodes, most frequent first
 * @param nodeCount       number of nodes in the main graph
 * @param parameters      every initializer (and every Constant node holding a tensor)
 * @param totalParameters sum of the element counts of {@code parameters}
 * @param totalParameterBytes sum of their bytes
 * @param tensors         every intermediate tensor (node outputs), in graph order
 * @param externalDataFiles external data files the model refers to (relative to its folder)
 */
public record ModelSummary(
        Path file,
        String sha256,
        long fileBytes,
        String producerName,
        String producerVersion,
        String graphName,
        long irVersion,
        Map<String, Long> opsets,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        Map<String, Integer> opCounts,
        int nodeCount,
        List<ParameterStats> parameters,
        long totalParameters,
        long totalParameterBytes,
        List<GraphTensor> tensors,
        List<String> externalDataFiles) {

    /** Opset of the default domain, or -1 when the model declares none. */
    public long defaultOpset() {
        Long v = opsets.get("");
        if (v == null) v = opsets.get("ai.onnx");
        return v == null ? -1 : v;
    }

    /** Number of nodes of one op type (0 when absent). */
    public int count(String opType) {
        return opCounts.getOrDefault(opType, 0);
    }
}
