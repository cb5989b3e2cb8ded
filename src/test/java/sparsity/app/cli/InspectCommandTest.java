package sparsity.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCommandTest {

    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = WorkbenchCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void inspectPrintsTheSummaryOfARealModel() {
        Run r = cli("inspect", "all-minilm-l6-v2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("input_ids"), r.out());
        assertTrue(r.out().matches("(?s).*last_hidden_state\\s+float\\s+\\[batch_size, sequence_length, 384].*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  Softmax\\s+6\\n.*"), r.out());
        assertTrue(r.out().contains("opsets     ai.onnx 11"), r.out());
    }

    @Test
    void inspectJsonHasTheSameNumbers() throws Exception {
        Run r = cli("inspect", "all-minilm-l6-v2", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(6, j.get("opCounts").get("Softmax").asInt());
        assertEquals(637, j.get("nodeCount").asInt());
        assertEquals("int64", j.get("inputs").get(0).get("elementType").asText());
        assertEquals("384", j.get("outputs").get(0).get("shape").get(2).asText());
    }

    @Test
    void corruptModelExitsTwoWithOneLineAndNoStackTrace() throws Exception {
        Path bad = Files.writeString(tmp.resolve("broken.onnx"), "definitely not a protobuf model");
        Run r = cli("inspect", bad.toString());
        assertEquals(2, r.status());
        assertTrue(r.out().isEmpty(), r.out());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains(bad.toString()) && lines[0].contains("not an ONNX model"), lines[0]);
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");

        Run verbose = cli("inspect", bad.toString(), "--verbose");
        assertEquals(2, verbose.status());
        assertTrue(verbose.err().contains("\tat "), "--verbose prints the stack trace");
    }

    @Test
    void missingFileAndUnknownOptionExitTwo() {
        Run missing = cli("inspect", tmp.resolve("nope.onnx").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("no such file"), missing.err());
        assertEquals(2, cli("inspect").status());
        assertEquals(2, cli("inspect", "--bogus", "x").status());
    }
}
