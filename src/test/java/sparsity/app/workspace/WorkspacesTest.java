package sparsity.app.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkspacesTest {

    @TempDir
    Path tmp;

    private static Artifact store(String id, String path) {
        return new Artifact(id, Artifact.STORE, "a store", path,
                new Provenance("model-x", null, Map.of("tensor", "t"), "2026-11-22T12:00:00Z", "0.1.0"));
    }

    private static Artifact model(Path file) {
        return new Artifact("model-1", Artifact.MODEL, file.getFileName().toString(), null,
                new Provenance(file.toAbsolutePath().toString(), "abc", Map.of(), "2026-11-22T12:00:00Z", "0.1.0"));
    }

    @Test
    void roundTripKeepsArtifactsProvenanceAndSelection() throws Exception {
        Path modelFile = Files.writeString(tmp.resolve("m.onnx"), "x");
        Path ws = tmp.resolve("ws");
        Files.createDirectories(ws.resolve("captures"));
        Files.writeString(ws.resolve("captures/s1.bin"), "data");
        WorkspaceState st = new WorkspaceState(1, "0.1.0", "t", List.of(model(modelFile), store("s1", "captures/s1.bin")),
                new Selection("model-1", List.of("model-1"), Map.of("model-1", List.of("a", "b"))));
        Workspaces.save(ws, st);

        LoadedWorkspace back = Workspaces.open(ws);
        assertEquals(st.artifacts(), back.state().artifacts());
        assertEquals(st.selection(), back.state().selection());
        assertEquals(Workspaces.FORMAT_VERSION, back.state().formatVersion());
        assertTrue(back.missingArtifactIds().isEmpty(), back.warnings().toString());
        assertEquals(modelFile.toAbsolutePath(), Workspaces.resolveModel(ws, back.state().artifacts().get(0)).orElseThrow());
    }

    @Test
    void goldenFormatVersion1StillOpens() throws Exception {
        Path ws = copyResource("workspaces/golden-v1");
        LoadedWorkspace w = Workspaces.open(ws);
        assertEquals(1, w.state().formatVersion());
        assertEquals(3, w.state().artifacts().size());
        Artifact m = w.state().artifacts().get(0);
        assertEquals("sample:all-minilm-l6-v2", m.provenance().source());
        assertEquals("/encoder/layer.0/attention/self/Softmax_output_0",
                w.state().selection().selectedTensors().get(m.id()).get(0));
        assertEquals("32", w.state().artifacts().get(2).provenance().settings().get("k"));
        // the bundled sample resolves; the store file is there; the autoencoder folder is gone
        assertTrue(Workspaces.resolveModel(ws, m).isPresent());
        assertEquals(java.util.Set.of("sae-gone"), w.missingArtifactIds());
        assertTrue(w.warnings().get(0).contains("autoencoders/gone"), w.warnings().toString());
    }

    @Test
    void upwardAndAbsolutePathsAreRefusedOnOpenAndOnSave() throws Exception {
        Path ws = tmp.resolve("ws");
        Files.createDirectories(ws);
        Files.writeString(tmp.resolve("secret.bin"), "outside");
        String json = Files.readString(copyResource("workspaces/golden-v1").resolve("workspace.json"))
                .replace("captures/layer3.txt", "../secret.bin");
        Files.writeString(ws.resolve("workspace.json"), json);
        WorkspaceException e = assertThrows(WorkspaceException.class, () -> Workspaces.open(ws));
        assertTrue(e.getMessage().contains("../secret.bin") && e.getMessage().contains("refused"), e.getMessage());

        WorkspaceState bad = new WorkspaceState(1, "x", "t", List.of(store("s", "captures/../../x")), null);
        assertThrows(WorkspaceException.class, () -> Workspaces.save(ws, bad));
        WorkspaceState abs = new WorkspaceState(1, "x", "t", List.of(store("s", "/etc/passwd")), null);
        assertThrows(WorkspaceException.class, () -> Workspaces.save(ws, abs));
        // nothing was overwritten by the refused saves
        assertEquals(json, Files.readString(ws.resolve("workspace.json")));
    }

    @Test
    void newerFormatIsRefusedWithAClearMessage() throws Exception {
        Path ws = tmp.resolve("ws");
        Files.createDirectories(ws);
        Files.writeString(ws.resolve("workspace.json"), "{\"formatVersion\": 7, \"artifacts\": []}");
        WorkspaceException e = assertThrows(WorkspaceException.class, () -> Workspaces.open(ws));
        assertTrue(e.getMessage().contains("version 7 is newer"), e.getMessage());
    }

    @Test
    void notAWorkspaceAndBadJsonAreRefused() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(WorkspaceException.class, () -> Workspaces.open(empty)).getMessage().contains("no workspace.json"));
        Files.writeString(empty.resolve("workspace.json"), "{\"formatVersion\": 1, \"artifacts\": [");
        assertTrue(assertThrows(WorkspaceException.class, () -> Workspaces.open(empty)).getMessage().contains("not valid JSON"));
    }

    @Test
    void interruptedSaveLeavesThePreviousWorkspaceReadable() throws Exception {
        Path modelFile = Files.writeString(tmp.resolve("m.onnx"), "x");
        Path ws = tmp.resolve("ws");
        WorkspaceState first = new WorkspaceState(1, "x", "t", List.of(model(modelFile)), null);
        Workspaces.save(ws, first);
        String before = Files.readString(ws.resolve("workspace.json"));

        WorkspaceState second = new WorkspaceState(1, "x", "t", List.of(), null);
        RuntimeException crash = assertThrows(RuntimeException.class,
                () -> Workspaces.save(ws, second, t -> { throw new RuntimeException("power cut"); }));
        assertEquals("power cut", crash.getMessage());

        assertEquals(before, Files.readString(ws.resolve("workspace.json")));
        assertEquals(1, Workspaces.open(ws).state().artifacts().size());
        try (Stream<Path> files = Files.list(ws)) {
            assertEquals(List.of("workspace.json"), files.map(p -> p.getFileName().toString()).toList(),
                    "the temp file of the failed save is cleaned up");
        }
    }

    @Test
    void missingModelSourceIsMarkedNotRefused() throws Exception {
        Path modelFile = Files.writeString(tmp.resolve("m.onnx"), "x");
        Path ws = tmp.resolve("ws");
        Workspaces.save(ws, new WorkspaceState(1, "x", "t", List.of(model(modelFile)), null));
        Files.delete(modelFile);
        LoadedWorkspace w = Workspaces.open(ws);
        assertEquals(java.util.Set.of("model-1"), w.missingArtifactIds());
        assertFalse(w.warnings().isEmpty());
    }

    private Path copyResource(String name) throws IOException {
        Path src;
        try {
            src = Path.of(getClass().getClassLoader().getResource(name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        Path dst = tmp.resolve(Path.of(name).getFileName().toString());
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : all.toList()) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return dst;
    }
}
