package sparsity.app.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.json.Json;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.cli.InspectCommandTest.cli;

class AttentionCommandTest {

    @TempDir
    Path tmp;

    @Test
    void tinyTransformerHeadsPatternsAndAtlas() throws Exception {
        Path out = tmp.resolve("att");
        InspectCommandTest.Run r = cli("attention", "--model", "tiny-transformer", "--input",
                SampleModels.dataFile("tiny-transformer-eval.npy").toString(), "--induction", "1:20", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("heads.csv"));
        assertEquals(1 + 8, csv.size());
        List<String> header = List.of(csv.get(0).split(","));
        int label = header.indexOf("label");
        assertEquals("previous-token", csv.get(1 + 2).split(",")[label], "layer 0 head 2");
        assertEquals("induction", csv.get(1 + 4 + 1).split(",")[label], "layer 1 head 1");
        assertEquals("first-token", csv.get(1 + 4 + 3).split(",")[label], "layer 1 head 3");
        List<Object> patterns = Json.asList(Json.parse(out.resolve("patterns.json")), "patterns");
        assertEquals(2, patterns.size());
        Map<String, Object> layer0 = Json.asObject(patterns.get(0), "layer 0");
        List<Object> prev = Json.asList(layer0.get("2"), "head 2");
        assertEquals(4, prev.size(), "[pattern, vertical_size, slash_size, score]");
        assertTrue(((Number) prev.get(3)).doubleValue() > 0.95, prev.toString());
        BufferedImage atlas = ImageIO.read(out.resolve("atlas.png").toFile());
        assertTrue(atlas.getWidth() >= 4 * 96 && atlas.getHeight() >= 2 * 96, atlas.getWidth() + "x" + atlas.getHeight());
    }

    @Test
    void miniLmOnRealSentences() throws Exception {
        Path texts = Files.write(tmp.resolve("t.txt"), List.of("The quick brown fox jumps over the lazy dog.",
                "Debian is a free operating system.", "Attention maps show where each token looks."));
        Path out = tmp.resolve("m");
        InspectCommandTest.Run r = cli("attention", "--model", "all-minilm-l6-v2", "--input", texts.toString(), "--out", out.toString(),
                "--keys", "/encoder/layer.*/attention/self/key/Add_output_0");
        assertEquals(0, r.status(), r.err());
        List<String> keys = Files.readAllLines(out.resolve("keys.csv"));
        assertEquals(1 + 6 * 12, keys.size(), "one UNComp entropy per layer and head");
        for (String row : keys.subList(1, keys.size())) {
            double norm = Double.parseDouble(row.split(",")[4]);
            assertTrue(norm > 0 && norm <= 1 + 1e-9, row);
        }
        List<String> csv = Files.readAllLines(out.resolve("heads.csv"));
        assertEquals(1 + 6 * 12, csv.size());
        List<String> header = List.of(csv.get(0).split(","));
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",");
            double ne = Double.parseDouble(f[header.indexOf("norm_entropy")]);
            double d9 = Double.parseDouble(f[header.indexOf("density_0.9")]);
            double d99 = Double.parseDouble(f[header.indexOf("density_0.99")]);
            assertTrue(ne >= 0 && ne <= 1 + 1e-9, row);
            assertTrue(d9 > 0 && d9 <= d99 && d99 <= 1, row);
        }
        assertEquals(6, Json.asList(Json.parse(out.resolve("patterns.json")), "p").size());
    }
}
