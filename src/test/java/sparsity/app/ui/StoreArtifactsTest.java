package sparsity.app.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.app.capture.StoreArtifacts;
import sparsity.app.capture.StoreRecord;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.Provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A store as a workspace artifact: relative inside the workspace folder, absolute in the settings outside it. */
class StoreArtifactsTest {

    @TempDir
    Path tmp;

    private StoreRecord record(Path dir, StoreRecord.State state) {
        Provenance p = new Provenance("sample:all-minilm-l6-v2", "abc123", Map.of("tensors", "t", "dtype", "float16"),
                "2026-11-22T13:00:00Z", "0.1.0");
        return new StoreRecord("store-1", dir.getFileName().toString(), dir, p, state, 3, 23, "");
    }

    @Test
    void insideTheWorkspaceTheStoreIsARelativePath() throws Exception {
        Path ws = tmp.resolve("ws");
        Path dir = Files.createDirectories(ws.resolve("captures/run1"));
        Artifact a = StoreArtifacts.artifact(record(dir, StoreRecord.State.COMPLETE), ws);
        assertEquals("captures/run1", a.path());
        assertEquals(Artifact.STORE, a.kind());
        assertEquals("abc123", a.provenance().sha256());
        assertEquals("complete", a.provenance().settings().get("status"));
        assertEquals("23", a.provenance().settings().get("tokens"));
        assertNull(a.provenance().settings().get(StoreArtifacts.FOLDER));
        StoreRecord back = StoreArtifacts.fromArtifact(ws, a).orElseThrow();
        assertEquals(dir.toAbsolutePath().normalize(), back.dir());
        assertEquals(StoreRecord.State.UNKNOWN, back.state(), "read from disk later");
    }

    @Test
    void outsideTheWorkspaceTheFolderIsKeptInTheSettings() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path dir = tmp.resolve("elsewhere/run2");
        Artifact a = StoreArtifacts.artifact(record(dir, StoreRecord.State.INCOMPLETE), ws);
        assertNull(a.path());
        assertEquals(dir.toAbsolutePath().normalize().toString(), a.provenance().settings().get(StoreArtifacts.FOLDER));
        assertEquals("incomplete", a.provenance().settings().get("status"));
        StoreRecord back = StoreArtifacts.fromArtifact(ws, a).orElseThrow();
        assertEquals(StoreRecord.State.MISSING, back.state(), "the folder is not there");
        assertEquals("run2", back.label());
        assertTrue(record(dir, StoreRecord.State.INCOMPLETE).label().endsWith(" (incomplete)"));
    }

    @Test
    void defaultFoldersAreUniqueInsideTheWorkspacesCaptures() throws Exception {
        Path ws = tmp.resolve("ws");
        Path first = StoreArtifacts.defaultFolder(ws, Path.of("/m/all-minilm-l6-v2.onnx"));
        assertTrue(first.startsWith(ws.toAbsolutePath().resolve("captures")), first.toString());
        assertTrue(first.getFileName().toString().startsWith("all-minilm-l6-v2-"));
        Files.createDirectories(first);
        Path second = StoreArtifacts.defaultFolder(ws, Path.of("/m/all-minilm-l6-v2.onnx"));
        assertTrue(!second.equals(first) || !Files.exists(second), "an existing folder is not proposed again");
    }
}
