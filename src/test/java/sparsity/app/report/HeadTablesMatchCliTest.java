package sparsity.app.report;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.store.ActivationStore;
import sparsity.attention.HeadAnalysis;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.views.attention.HeadTables;
import sparsity.views.attention.TinyStores;
import sparsity.views.export.Exporter;
import sparsity.views.export.TableData;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The head table that the view exports is the CLI's heads.csv table, column for column and cell for cell. */
class HeadTablesMatchCliTest {

    @TempDir
    Path tmp;

    @Test
    void theViewsCsvEqualsTheClis() throws Exception {
        Path dir = TinyStores.capture(tmp);
        List<HeadAnalysis.HeadReport> heads;
        try (ActivationStore s = ActivationStore.open(dir)) {
            heads = HeadAnalysis.analyze(s, HeadMetrics.Settings.defaults(), 0.1, new HeadAnalysis.InductionLayout(1, 20),
                    ProgressListener.NONE);
        }
        for (List<HeadAnalysis.HeadReport> reports : List.of(heads, heads.subList(0, 3))) {
            TableData cli = AttentionTables.heads(reports);
            TableData view = HeadTables.heads(reports);
            assertEquals(cli, view);
            assertEquals(Exporter.toCsv(cli), Exporter.toCsv(view));
        }
        assertEquals(8, HeadTables.heads(heads).rowCount());
    }
}
