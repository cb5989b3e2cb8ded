/**
 * The one exporter of the workbench: {@link sparsity.views.export.TableData} and
 * {@link sparsity.views.export.ImageSource} in, CSV and PNG files out (atomic writes), and
 * {@link sparsity.views.export.ExportActions}, the same "Export CSV..." / "Export PNG..." menu
 * items and buttons on every table and chart. Only the snapshot of a JavaFX node needs the
 * toolkit; everything else runs headless.
 */
package sparsity.views.export;
