package sparsity.analysis.graph;

import java.util.List;

import org.junit.jupiter.api.Test;
import sparsity.analysis.onnx.OnnxModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorPatternTest {

    @Test
    void exactGlobAndRegex() {
        assertEquals(TensorPattern.Kind.EXACT, TensorPattern.parse("/a/b.c").kind());
        assertTrue(TensorPattern.parse("/a/b.c").matches("/a/b.c"));
        assertFalse(TensorPattern.parse("/a/b.c").matches("/a/bxc"), "a dot is literal in an exact name");

        TensorPattern glob = TensorPattern.parse("/encoder/layer.*/output/LayerNorm/Add_1_output_0");
        assertEquals(TensorPattern.Kind.GLOB, glob.kind());
        assertTrue(glob.matches("/encoder/layer.3/output/LayerNorm/Add_1_output_0"));
        assertFalse(glob.matches("/encoder/layer.3/output/LayerNorm/Add_output_0"));
        assertFalse(glob.matches("/encoder/layer.3/attention/output/LayerNorm/Add_1_output_0"), "* stays within one scope part");
        assertTrue(TensorPattern.parse("**Softmax*").matches("/encoder/layer.0/attention/self/Softmax_output_0"));
        assertFalse(TensorPattern.parse("*Softmax*").matches("/encoder/layer.0/attention/self/Softmax_output_0"));
        assertTrue(TensorPattern.parse("/l?/x").matches("/l1/x"));
        assertFalse(TensorPattern.parse("/l?/x").matches("/l12/x"));

        TensorPattern re = TensorPattern.parse("re:.*layer\\.[0-2]/.*Softmax.*");
        assertEquals(TensorPattern.Kind.REGEX, re.kind());
        assertTrue(re.matches("/encoder/layer.2/attention/self/Softmax_output_0"));
        assertFalse(re.matches("/encoder/layer.3/attention/self/Softmax_output_0"));
        assertTrue(TensorPattern.parse("name:a*b").matches("a*b"));
        assertThrows(IllegalArgumentException.class, () -> TensorPattern.parse("re:("));
        assertThrows(IllegalArgumentException.class, () -> TensorPattern.parse(" "));
    }

    @Test
    void selectOnMiniLmKeepsPatternOrderAndNamesAMissingPattern() throws Exception {
        List<String> names = GraphSurgery.tensorNames(OnnxModels.read(MiniLm.model()));
        List<String> picked = TensorPattern.select(names,
                List.of("/encoder/layer.*/output/LayerNorm/Add_1_output_0", "last_hidden_state", "re:.*layer\\.0/.*Softmax.*"));
        assertEquals(List.of("/encoder/layer.0/output/LayerNorm/Add_1_output_0",
                "/encoder/layer.1/output/LayerNorm/Add_1_output_0",
                "/encoder/layer.2/output/LayerNorm/Add_1_output_0",
                "/encoder/layer.3/output/LayerNorm/Add_1_output_0",
                "/encoder/layer.4/output/LayerNorm/Add_1_output_0",
                "last_hidden_state",
                "/encoder/layer.0/attention/self/Softmax_output_0"), picked, "pattern order, then graph order");
        var e = assertThrows(IllegalArgumentException.class, () -> TensorPattern.select(names, List.of("/encoder/layer.9/x")));
        assertTrue(e.getMessage().contains("/encoder/layer.9/x"));
    }
}
