/**
 * Chart factories (JFreeChart, no JavaFX) with one theme, and the histograms they draw, so that
 * the GUI and the headless report draw the same charts.
 */
package sparsity.views.charts;
