/**
 * Report folders: {@link sparsity.views.report.ReportItem}s written as PNG + CSV files with an
 * index.html that shows them by section with their provenance. Runs without the JavaFX toolkit.
 */
package sparsity.views.report;
