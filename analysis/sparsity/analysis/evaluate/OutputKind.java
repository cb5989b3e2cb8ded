package sparsity.analysis.evaluate;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** What a model output holds, which decides the metrics that apply to it. */
public enum OutputKind {
    /** Unnormalized class or token scores (the output's name says logits, or labels make it class scores). */
    LOGITS,
    /** The output of a Softmax node. */
    PROBABILITIES,
    /** The output of a LogSoftmax node. */
    LOG_PROBABILITIES,
    /** Anything else: hidden states, pooled or sentence embeddings. */
    EMBEDDING;

    /** True when the last axis is (the scores of) a distribution: KL, top-1 and accuracy apply. */
    public boolean isDistribution() {
        return this != EMBEDDING;
    }

    /** What an output holds, read from the graph: Softmax / LogSoftmax producers (through Identity), else its name. */
    public static OutputKind of(ModelProto model, String output) {
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto n : model.getGraph().getNodeList()) for (String o : n.getOutputList()) producer.put(o, n);
        String name = output;
        for (int hops = 0; hops < 8; hops++) {
            NodeProto n = producer.get(name);
            if (n == null) break;
            if (n.getOpType().equals("Softmax")) return PROBABILITIES;
            if (n.getOpType().equals("LogSoftmax")) return LOG_PROBABILITIES;
            if (!n.getOpType().equals("Identity") || n.getInputCount() == 0) break;
            name = n.getInput(0);
        }
        return output.toLowerCase(Locale.ROOT).contains("logit") ? LOGITS : EMBEDDING;
    }
}
