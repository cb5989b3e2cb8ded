package sparsity.analysis.store;

/**
 * Where a row of a store came from.
 *
 * @param example  index of the input example (line of a text file, image of a folder)
 * @param position token position within the example (-1 for a per-example row)
 * @param tokenId  token id (-1 for a per-example row)
 * @param text     the token's text, or for a per-example row the example's name; null when none
 *                 was recorded
 */
public record RowProvenance(int example, int position, int tokenId, String text) {
}
