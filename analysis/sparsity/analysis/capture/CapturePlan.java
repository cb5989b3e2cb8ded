package sparsity.analysis.capture;

import java.util.List;

import sparsity.analysis.store.DType;
import sparsity.analysis.store.StoreException;
import sparsity.analysis.store.TensorLayout;

/**
 * What a capture will write, known before it starts: the layout of every tensor (found by
 * running one probe batch) and the estimated size on disk.
 *
 * @param tensors        layout per captured tensor, in store order
 * @param stats          the inputs counted
 * @param dtype          the dtype on disk
 * @param tensorBytes    estimated data bytes per tensor (-1 when the inputs are not counted)
 * @param estimatedBytes all of it, with the provenance tables (-1 when unknown)
 */
public record CapturePlan(List<TensorLayout> tensors, InputStats stats, DType dtype, List<Long> tensorBytes, long estimatedBytes) {

    static CapturePlan of(List<TensorLayout> tensors, InputStats stats, DType dtype) {
        if (!stats.known()) {
            return new CapturePlan(tensors, stats, dtype, tensors.stream().map(t -> -1L).toList(), -1);
        }
        List<Long> bytes = tensors.stream().map(t -> switch (t.kind()) {
            case ROWS -> (t.unit() == TensorLayout.Unit.TOKEN ? stats.tokens() : stats.examples()) * t.rowElements() * dtype.bytes();
            case MAPS -> stats.tokensSquared() * t.rowElements() * dtype.bytes() + stats.examples() * 16;
        }).toList();
        long total = bytes.stream().mapToLong(Long::longValue).sum() + stats.tokens() * 16 + stats.examples() * 16;
        return new CapturePlan(tensors, stats, dtype, bytes, total);
    }

    /** One line for the capture dialog, e.g. "2 tensors, 12,345 rows, about 9.5 MB (float16)". */
    public String summary() {
        String size = estimatedBytes < 0 ? "size unknown" : "about " + StoreException.human(estimatedBytes);
        String rows = stats.known() ? String.format("%,d examples, %,d tokens, ", stats.examples(), stats.tokens()) : "";
        return tensors.size() + (tensors.size() == 1 ? " tensor, " : " tensors, ") + rows + size + " (" + dtype.id() + ")";
    }
}
