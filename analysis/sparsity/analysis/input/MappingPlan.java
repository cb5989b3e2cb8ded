package sparsity.analysis.input;

import java.util.List;

import sparsity.analysis.onnx.TensorSpec;

/**
 * Which model input gets what, checked before a run: the GUI shows {@link #describe()}, a run
 * calls {@link #requireOk()}.
 *
 * @param assignments one per model input that gets a value
 * @param problems    what does not fit, one readable sentence each; empty when the run can start
 */
public record MappingPlan(List<Assignment> assignments, List<String> problems) {

    /** What feeds one model input. */
    public enum Source {
        TOKEN_IDS("token ids"), ATTENTION_MASK("attention mask"), TOKEN_TYPE_IDS("token type ids"),
        POSITION_IDS("position ids 0..sequence-1"), TENSOR("tensor");

        private final String text;

        Source(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * One model input and its value.
     *
     * @param input       the model input
     * @param source      what it gets
     * @param sourceText  in words, e.g. "token ids" or "the images"
     * @param givenType   element type of the value as the inputs give it ("int64", "float")
     * @param givenShape  shape of the value
     * @param conversion  the element type the value is converted to, or null when none is needed
     */
    public record Assignment(TensorSpec input, Source source, String sourceText, String givenType, long[] givenShape,
                             String conversion) {
        public Assignment {
            givenShape = givenShape.clone();
        }

        @Override
        public long[] givenShape() {
            return givenShape.clone();
        }

        /** E.g. "input_ids int64 [batch, sequence] <- token ids int64 [2, 7]". */
        public String describe() {
            return input.name() + " " + input.elementType() + " " + input.shapeText() + " <- " + sourceText + " "
                    + givenType + " " + Npy.shapeText(givenShape) + (conversion == null ? "" : " (converted to " + conversion + ")");
        }
    }

    public MappingPlan {
        assignments = List.copyOf(assignments);
        problems = List.copyOf(problems);
    }

    /** True when every model input gets a value of a fitting type and shape. */
    public boolean ok() {
        return problems.isEmpty();
    }

    /** The assignment of a model input, or null. */
    public Assignment forInput(String inputName) {
        for (Assignment a : assignments) if (a.input().name().equals(inputName)) return a;
        return null;
    }

    /** Several lines: one per assignment, then the problems. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Assignment a : assignments) sb.append(a.describe()).append('\n');
        if (!problems.isEmpty()) {
            sb.append(problems.size() == 1 ? "Problem:\n" : "Problems:\n");
            for (String p : problems) sb.append("- ").append(p).append('\n');
        }
        return sb.toString();
    }

    /** Throws when a problem stops the run; the message lists every problem. */
    public void requireOk() {
        if (!ok()) throw new InputMismatchException(String.join("; ", problems));
    }

    /** The inputs do not fit the model. */
    public static final class InputMismatchException extends IllegalArgumentException {
        public InputMismatchException(String message) {
            super(message);
        }
    }
}
