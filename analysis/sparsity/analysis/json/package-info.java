/**
 * A small strict JSON reader for the analysis room, which may not use Jackson (only
 * {@code sparsity.app} does).
 */
package sparsity.analysis.json;
