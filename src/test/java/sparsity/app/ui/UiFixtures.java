package sparsity.app.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.Node;
import javafx.stage.Stage;
import org.testfx.util.WaitForAsyncUtils;

import static sparsity.testing.OnnxProtos.floatValue;
import static sparsity.testing.OnnxProtos.raw;

/** Files and helpers for the UI tests: small valid models built in code, and bad files. */
final class UiFixtures {

    /** Long enough for ONNX Runtime to load all-MiniLM-L6-v2 on a slow, shared machine. */
    static final long LOAD_TIMEOUT_S = 180;

    private UiFixtures() {
    }

    /**
     * A valid model: y = Relu(x W + b) with W [3, units] and b [units]; opset 13, so ONNX Runtime
     * loads it. Its parameter count is 3 * units + units.
     */
    static Path tinyModel(Path file, int units) throws IOException {
        float[] w = new float[3 * units];
        for (int i = 0; i < w.length; i++) w[i] = (i % 3 == 0) ? 0f : i * 0.25f - 1f;
        float[] b = new float[units];
        TensorProto weight = TensorProto.newBuilder().setName("fc.weight").addDims(3).addDims(units)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(raw(w)).build();
        TensorProto bias = TensorProto.newBuilder().setName("fc.bias").addDims(units)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(raw(b)).build();
        GraphProto g = GraphProto.newBuilder().setName("tiny")
                .addNode(NodeProto.newBuilder().setName("/fc/MatMul").setOpType("MatMul")
                        .addInput("x").addInput("fc.weight").addOutput("/fc/MatMul_output_0"))
                .addNode(NodeProto.newBuilder().setName("/fc/Add").setOpType("Add")
                        .addInput("/fc/MatMul_output_0").addInput("fc.bias").addOutput("/fc/Add_output_0"))
                .addNode(NodeProto.newBuilder().setName("/act/Relu").setOpType("Relu")
                        .addInput("/fc/Add_output_0").addOutput("y"))
                .addInitializer(weight).addInitializer(bias)
                .addInput(floatValue("x", "batch", 3))
                .addOutput(floatValue("y", "batch", units))
                .build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("ui-tests").setProducerVersion("1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
        Files.write(file, m.toByteArray());
        return file;
    }

    /** A file of random bytes (fixed seed) that is no ONNX model. */
    static Path randomBytes(Path file, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        Files.write(file, bytes);
        return file;
    }

    /** A config folder that is not a first start (an empty recent list), so no sample opens by itself. */
    static Path configDir(Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(dir.resolve("recent.json"), "{\"formatVersion\":1,\"models\":[]}");
        return dir;
    }

    /** Waits, letting the FX thread run, until the condition (checked on the FX thread) holds. */
    static void waitUntil(long seconds, BooleanSupplier condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(condition::getAsBoolean).get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** As {@link #waitUntil(long, BooleanSupplier)}; on a timeout the failure says what {@code state} gives. */
    static void waitUntil(long seconds, BooleanSupplier condition, java.util.function.Supplier<String> state) {
        try {
            waitUntil(seconds, condition);
        } catch (TimeoutException e) {
            String now;
            try {
                now = WaitForAsyncUtils.asyncFx(state::get).get();
            } catch (Exception ex) {
                now = "(state unavailable: " + ex + ")";
            }
            throw new AssertionError("condition not met within " + seconds + " s; now: " + now, e);
        }
    }

    /** The texts of the cells of every shown row of a table, row by row. */
    static List<List<String>> shownRows(TableView<?> table) {
        return table.lookupAll(".table-row-cell").stream()
                .filter(n -> n instanceof TableRow<?> r && r.getItem() != null && r.isVisible())
                .map(UiFixtures::cellTexts).toList();
    }

    private static List<String> cellTexts(Node row) {
        return row.lookupAll(".table-cell").stream().map(n -> ((Labeled) n).getText()).toList();
    }

    /** Closes the stage the test used. */
    static void close(Stage stage) {
        WaitForAsyncUtils.asyncFx(stage::close);
        WaitForAsyncUtils.waitForFxEvents();
    }
}
