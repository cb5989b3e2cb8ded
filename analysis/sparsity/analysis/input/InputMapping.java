package sparsity.analysis.input;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sparsity.analysis.input.MappingPlan.Assignment;
import sparsity.analysis.input.MappingPlan.Source;
import sparsity.analysis.onnx.TensorSpec;

/**
 * Proposes which model input gets what from the inputs a user gave, and checks element types and
 * shapes before a run: a symbolic dim ("batch", "?") takes any size, but the same name takes one
 * size everywhere; a fixed dim must match.
 */
public final class InputMapping {

    private static final List<String> FLOAT_TYPES = List.of("float", "float16", "double", "bfloat16");
    private static final List<String> INT_TYPES = List.of("int64", "int32");

    private InputMapping() {
    }

    /** Text inputs for a batch: token ids, attention mask, token type ids and position ids by input name. */
    public static MappingPlan forText(List<TensorSpec> modelInputs, BatchEncoding batch) {
        return forText(modelInputs, batch.batchSize(), batch.sequenceLength());
    }

    /** Text inputs of {@code batch} texts of {@code sequence} positions. */
    public static MappingPlan forText(List<TensorSpec> modelInputs, long batch, long sequence) {
        long[] shape = {batch, sequence};
        List<Assignment> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<TensorSpec> unnamed = new ArrayList<>();
        for (TensorSpec in : modelInputs) {
            Source s = textSourceByName(in.name());
            if (s == null) unnamed.add(in);
            else out.add(new Assignment(in, s, s.text(), "int64", shape, null));
        }
        boolean hasIds = out.stream().anyMatch(a -> a.source() == Source.TOKEN_IDS);
        List<TensorSpec> intUnnamed = unnamed.stream().filter(i -> INT_TYPES.contains(i.elementType())).toList();
        if (!hasIds && intUnnamed.size() == 1) {
            out.add(new Assignment(intUnnamed.getFirst(), Source.TOKEN_IDS, Source.TOKEN_IDS.text(), "int64", shape, null));
            unnamed.remove(intUnnamed.getFirst());
            hasIds = true;
        }
        for (TensorSpec in : unnamed) {
            problems.add("model input '" + in.name() + "' expects " + in.shapeText() + " " + in.elementType()
                    + ", which text inputs do not give (they give token ids, attention mask, token type ids and position ids)");
        }
        if (!hasIds) problems.add("no model input takes token ids (inputs: " + names(modelInputs) + "); is this a text model?");
        return check(order(out, modelInputs), problems);
    }

    private static Source textSourceByName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.contains("mask")) return Source.ATTENTION_MASK;
        if (n.contains("token_type") || n.contains("segment") || n.contains("type_ids")) return Source.TOKEN_TYPE_IDS;
        if (n.contains("position")) return Source.POSITION_IDS;
        if (n.equals("input_ids") || n.equals("ids") || n.equals("tokens") || n.equals("token_ids") || n.endsWith("input_ids")) {
            return Source.TOKEN_IDS;
        }
        return null;
    }

    /** Images: the one float input of the model gets them. */
    public static MappingPlan forImages(List<TensorSpec> modelInputs, ImageInputs.ImageBatch images) {
        return forTensor(modelInputs, "the images", "float", images.shape(), null);
    }

    /** An array from a .npy file: the one input of its kind gets it. */
    public static MappingPlan forNpy(List<TensorSpec> modelInputs, NpyArray array) {
        return forTensor(modelInputs, "the .npy array", array.dtype().onnxName(), array.shape(), null);
    }

    /**
     * A tensor for one model input.
     *
     * @param what        the tensor in words ("the images")
     * @param elementType its ONNX element type name ("float", "int64", "uint8", ...)
     * @param inputName   the model input that gets it, or null to pick the only one that can
     */
    public static MappingPlan forTensor(List<TensorSpec> modelInputs, String what, String elementType, long[] shape,
                                        String inputName) {
        List<String> problems = new ArrayList<>();
        TensorSpec target = null;
        if (inputName != null) {
            target = modelInputs.stream().filter(i -> i.name().equals(inputName)).findFirst().orElse(null);
            if (target == null) problems.add("the model has no input '" + inputName + "' (inputs: " + names(modelInputs) + ")");
        } else if (modelInputs.size() == 1) {
            target = modelInputs.getFirst();
        } else {
            boolean wantFloat = FLOAT_TYPES.contains(elementType);
            List<TensorSpec> fitting = modelInputs.stream()
                    .filter(i -> wantFloat ? FLOAT_TYPES.contains(i.elementType()) : !FLOAT_TYPES.contains(i.elementType())).toList();
            if (fitting.size() == 1) target = fitting.getFirst();
            else if (fitting.isEmpty()) problems.add("no model input takes " + elementType + " values like " + what + " (inputs: " + names(modelInputs) + ")");
            else problems.add("the model has " + fitting.size() + " inputs that could take " + what + " (" + names(fitting) + "); say which one");
        }
        List<Assignment> out = new ArrayList<>();
        if (target != null) out.add(new Assignment(target, Source.TENSOR, what, elementType, shape, null));
        for (TensorSpec in : modelInputs) {
            if (in != target) problems.add("model input '" + in.name() + "' (" + in.elementType() + " " + in.shapeText() + ") gets no value from " + what);
        }
        return check(out, problems);
    }

    private static List<Assignment> order(List<Assignment> as, List<TensorSpec> inputs) {
        List<Assignment> out = new ArrayList<>();
        for (TensorSpec in : inputs) for (Assignment a : as) if (a.input() == in) out.add(a);
        return out;
    }

    /** Checks types and shapes of the assignments and notes the type conversions they need. */
    private static MappingPlan check(List<Assignment> proposed, List<String> problems) {
        List<Assignment> out = new ArrayList<>();
        Map<String, Long> bound = new HashMap<>();
        Map<String, String> boundBy = new HashMap<>();
        List<String> typeProblems = new ArrayList<>();
        for (Assignment a : proposed) {
            TensorSpec in = a.input();
            String conversion = null;
            String want = in.elementType();
            String give = a.givenType();
            if (!want.equals(give)) {
                boolean bothFloat = FLOAT_TYPES.contains(want) && FLOAT_TYPES.contains(give);
                boolean bothInt = INT_TYPES.contains(want) && (INT_TYPES.contains(give) || give.equals("uint8") || give.startsWith("int"));
                boolean maskAsFloat = a.source() == Source.ATTENTION_MASK && FLOAT_TYPES.contains(want);
                if (bothFloat || bothInt || maskAsFloat) conversion = want;
                else typeProblems.add(mismatch(a) + " (element types differ)");
            }
            String shapeProblem = shapeProblem(a, bound, boundBy);
            if (shapeProblem != null) problems.add(shapeProblem);
            out.add(new Assignment(in, a.source(), a.sourceText(), give, a.givenShape(), conversion));
        }
        List<String> all = new ArrayList<>(typeProblems);
        all.addAll(problems);
        return new MappingPlan(out, all);
    }

    private static String shapeProblem(Assignment a, Map<String, Long> bound, Map<String, String> boundBy) {
        List<String> dims = a.input().shape();
        long[] given = a.givenShape();
        if (dims == null) return null; // rank unknown: anything goes
        if (dims.size() != given.length) return mismatch(a) + sameValuesHint(dims, given);
        for (int i = 0; i < given.length; i++) {
            String d = dims.get(i);
            Long fixed = parseDim(d);
            if (fixed != null) {
                if (fixed != given[i]) return mismatch(a) + sameValuesHint(dims, given);
            } else if (!d.equals("?") && !d.isBlank()) {
                Long prev = bound.putIfAbsent(d, given[i]);
                if (prev == null) boundBy.put(d, a.input().name());
                else if (prev != given[i]) {
                    return "dimension '" + d + "' is " + prev + " for model input '" + boundBy.get(d) + "' but " + given[i]
                            + " for '" + a.input().name() + "'";
                }
            }
        }
        return null;
    }

    private static String mismatch(Assignment a) {
        TensorSpec in = a.input();
        String verb = a.sourceText().endsWith("s") ? " give " : " gives ";
        return "model input '" + in.name() + "' expects " + in.shapeText() + " " + in.elementType() + ", " + a.sourceText()
                + verb + Npy.shapeText(a.givenShape()) + " " + a.givenType();
    }

    /** When only the arrangement differs: the same number of values per example. */
    private static String sameValuesHint(List<String> dims, long[] given) {
        if (dims.isEmpty() || given.length == 0) return "";
        long want = 1;
        for (int i = 1; i < dims.size(); i++) {
            Long f = parseDim(dims.get(i));
            if (f == null) return "";
            want *= f;
        }
        long have = 1;
        for (int i = 1; i < given.length; i++) have *= given[i];
        return want == have ? "; both hold " + want + " values per example, so a different layout (e.g. flat) or a reshape fits" : "";
    }

    private static Long parseDim(String d) {
        try {
            return Long.parseLong(d.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String names(List<TensorSpec> inputs) {
        return String.join(", ", inputs.stream().map(TensorSpec::name).toList());
    }
}
