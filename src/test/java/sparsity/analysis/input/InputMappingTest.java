package sparsity.analysis.input;

import java.util.List;

import org.junit.jupiter.api.Test;

import sparsity.analysis.input.MappingPlan.Source;
import sparsity.analysis.onnx.TensorSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputMappingTest {

    /** all-MiniLM-L6-v2's inputs, as the model reader reports them. */
    static final List<TensorSpec> MINILM = List.of(
            new TensorSpec("input_ids", "int64", List.of("batch_size", "sequence_length")),
            new TensorSpec("attention_mask", "int64", List.of("batch_size", "sequence_length")),
            new TensorSpec("token_type_ids", "int64", List.of("batch_size", "sequence_length")));

    static final List<TensorSpec> MNIST = List.of(new TensorSpec("input", "float", List.of("batch", "784")));

    @Test
    void textInputsGoToIdsMaskAndTypeIds() {
        MappingPlan plan = InputMapping.forText(MINILM, 2, 7);
        assertTrue(plan.ok(), plan.describe());
        assertEquals(Source.TOKEN_IDS, plan.forInput("input_ids").source());
        assertEquals(Source.ATTENTION_MASK, plan.forInput("attention_mask").source());
        assertEquals(Source.TOKEN_TYPE_IDS, plan.forInput("token_type_ids").source());
        assertEquals("""
                input_ids int64 [batch_size, sequence_length] <- token ids int64 [2, 7]
                attention_mask int64 [batch_size, sequence_length] <- attention mask int64 [2, 7]
                token_type_ids int64 [batch_size, sequence_length] <- token type ids int64 [2, 7]
                """, plan.describe());
        plan.requireOk();
    }

    @Test
    void gpt2StyleInputsWithPositionIdsAndInt32() {
        List<TensorSpec> in = List.of(new TensorSpec("input_ids", "int32", List.of("batch", "seq")),
                new TensorSpec("position_ids", "int64", List.of("batch", "seq")),
                new TensorSpec("attention_mask", "float", List.of("batch", "seq")));
        MappingPlan plan = InputMapping.forText(in, 1, 5);
        assertTrue(plan.ok(), plan.describe());
        assertEquals("int32", plan.forInput("input_ids").conversion());
        assertEquals(Source.POSITION_IDS, plan.forInput("position_ids").source());
        assertNull(plan.forInput("position_ids").conversion());
        assertEquals("float", plan.forInput("attention_mask").conversion());
    }

    @Test
    void anUnnamedSingleIntegerInputTakesTheIds() {
        List<TensorSpec> in = List.of(new TensorSpec("tokens_in", "int64", List.of("b", "t")));
        MappingPlan plan = InputMapping.forText(in, 3, 12);
        assertTrue(plan.ok(), plan.describe());
        assertEquals(Source.TOKEN_IDS, plan.forInput("tokens_in").source());
    }

    @Test
    void textForAnImageModelIsRefused() {
        MappingPlan plan = InputMapping.forText(MNIST, 2, 7);
        assertFalse(plan.ok());
        assertTrue(plan.problems().contains("no model input takes token ids (inputs: input); is this a text model?"), plan.describe());
        MappingPlan.InputMismatchException e = assertThrows(MappingPlan.InputMismatchException.class, plan::requireOk);
        assertTrue(e.getMessage().contains("model input 'input' expects [batch, 784] float, which text inputs do not give"), e.getMessage());
    }

    @Test
    void fixedSequenceLengthMustMatch() {
        List<TensorSpec> in = List.of(new TensorSpec("input_ids", "int64", List.of("batch", "128")));
        MappingPlan plan = InputMapping.forText(in, 2, 9);
        assertEquals(List.of("model input 'input_ids' expects [batch, 128] int64, token ids give [2, 9] int64"), plan.problems());
    }

    @Test
    void imagesGoToTheFloatInputWithShapesChecked() {
        ImageInputs.ImageBatch flat = new ImageInputs.ImageBatch(List.of("a.png", "b.png"), new float[2 * 784],
                ImageSpec.mnist().shape(2), ImageSpec.mnist());
        MappingPlan ok = InputMapping.forImages(MNIST, flat);
        assertTrue(ok.ok(), ok.describe());
        assertEquals("input float [batch, 784] <- the images float [2, 784]\n", ok.describe());

        ImageSpec nchw = ImageSpec.mnist().withLayout(ImageSpec.Layout.NCHW);
        ImageInputs.ImageBatch planes = new ImageInputs.ImageBatch(List.of("a.png", "b.png"), new float[2 * 784], nchw.shape(2), nchw);
        MappingPlan bad = InputMapping.forImages(MNIST, planes);
        assertEquals(List.of("model input 'input' expects [batch, 784] float, the images give [2, 1, 28, 28] float; both hold 784 "
                + "values per example, so a different layout (e.g. flat) or a reshape fits"), bad.problems());
        assertTrue(bad.describe().contains("Problem:\n- model input 'input' expects [batch, 784] float"), bad.describe());
    }

    @Test
    void npyArraysAreCheckedForTypeAndNamedInputs() {
        List<TensorSpec> two = List.of(new TensorSpec("x", "float", List.of("n", "16")), new TensorSpec("ids", "int64", List.of("n")));
        MappingPlan f16 = InputMapping.forTensor(two, "the .npy array", "float16", new long[] {4, 16}, null);
        assertEquals("x", f16.assignments().getFirst().input().name());
        assertEquals("float", f16.assignments().getFirst().conversion());
        assertEquals(List.of("model input 'ids' (int64 [n]) gets no value from the .npy array"), f16.problems());

        MappingPlan wrongType = InputMapping.forTensor(List.of(two.getFirst()), "the .npy array", "int64", new long[] {4, 16}, null);
        assertEquals(List.of("model input 'x' expects [n, 16] float, the .npy array gives [4, 16] int64 (element types differ)"),
                wrongType.problems());

        List<TensorSpec> floats = List.of(new TensorSpec("a", "float", null), new TensorSpec("b", "float", null));
        MappingPlan ambiguous = InputMapping.forTensor(floats, "the images", "float", new long[] {1, 3}, null);
        assertTrue(ambiguous.problems().getFirst().contains("the model has 2 inputs that could take the images (a, b); say which one"));
        MappingPlan named = InputMapping.forTensor(floats, "the images", "float", new long[] {1, 3}, "b");
        assertEquals("b", named.assignments().getFirst().input().name());
        assertEquals(List.of("model input 'a' (float ?) gets no value from the images"), named.problems());
        MappingPlan missing = InputMapping.forTensor(floats, "the images", "float", new long[] {1, 3}, "c");
        assertTrue(missing.problems().getFirst().startsWith("the model has no input 'c'"));
    }

    @Test
    void aSymbolicDimTakesOneSizeEverywhere() {
        List<TensorSpec> in = List.of(new TensorSpec("input_ids", "int64", List.of("batch", "seq")),
                new TensorSpec("attention_mask", "int64", List.of("batch", "batch")));
        MappingPlan plan = InputMapping.forText(in, 2, 5);
        assertEquals(List.of("dimension 'batch' is 2 for model input 'input_ids' but 5 for 'attention_mask'"), plan.problems());
        assertArrayEquals(new long[] {2, 5}, plan.forInput("attention_mask").givenShape());
    }
}
