package sparsity.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.Provenance;
import sparsity.app.workspace.Selection;
import sparsity.app.workspace.WorkspaceState;
import sparsity.app.workspace.Workspaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.cli.InspectCommandTest.cli;

class ReportCommandTest {

    @TempDir
    Path tmp;

    @Test
    void reportWritesEveryChartAndTableWithAnIndex() throws Exception {
        Path ws = tmp.resolve("ws");
        Artifact minilm = new Artifact("m1", Artifact.MODEL, "all-minilm-l6-v2.onnx", null,
                new Provenance("sample:all-minilm-l6-v2", null, Map.of(), "2026-11-22T12:00:00Z", "0.1.0"));
        Artifact gone = new Artifact("m2", Artifact.MODEL, "gone.onnx", null,
                new Provenance(tmp.resolve("gone.onnx").toString(), null, Map.of(), "2026-11-22T12:00:00Z", "0.1.0"));
        Workspaces.save(ws, new WorkspaceState(1, "x", "t", List.of(minilm, gone), Selection.empty()));

        Path out = tmp.resolve("report");
        InspectCommandTest.Run r = cli("report", ws.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("gone.onnx"), "the missing model is named: " + r.err());
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("Artifacts of the workspace"), html);
        assertTrue(html.contains("all-minilm-l6-v2.onnx"), "the model's section is there");
        try (Stream<Path> files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            long pngs = names.stream().filter(n -> n.endsWith(".png")).count();
            long csvs = names.stream().filter(n -> n.endsWith(".csv")).count();
            assertTrue(pngs >= 2 && csvs >= 4, names.toString());
            for (String n : names) {
                if (n.endsWith(".png") || n.endsWith(".csv")) assertTrue(html.contains(n), n + " is linked from index.html");
            }
        }
    }

    @Test
    void storesOfTheWorkspaceJoinTheReport() throws Exception {
        Path ws = tmp.resolve("ws2");
        Path texts = java.nio.file.Files.write(tmp.resolve("t.txt"), List.of("hello world", "a second sentence"));
        InspectCommandTest.Run cap = cli("capture", "--model", "all-minilm-l6-v2", "--input", texts.toString(), "--tensors",
                "/encoder/layer.1/output/LayerNorm/Add_1_output_0", "--attention", "--out", ws.resolve("captures/s1").toString());
        assertEquals(0, cap.status(), cap.err());
        Artifact store = new Artifact("s1", Artifact.STORE, "s1", "captures/s1",
                new Provenance("sample:all-minilm-l6-v2", null, Map.of(), "2026-11-22T12:00:00Z", "0.1.0"));
        Workspaces.save(ws, new WorkspaceState(1, "x", "t", List.of(store), Selection.empty()));
        Path out = tmp.resolve("report2");
        InspectCommandTest.Run r = cli("report", ws.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("Store s1"), "the store has its section");
        assertTrue(html.contains("Normalized entropy per head, by layer"), html);
        assertTrue(Files.readAllLines(out.resolve("attention-heads-s1.csv")).size() == 1 + 6 * 12, "one row per head");
    }

    @Test
    void notAWorkspaceExitsTwo() {
        InspectCommandTest.Run r = cli("report", tmp.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("no workspace.json"), r.err());
    }
}
