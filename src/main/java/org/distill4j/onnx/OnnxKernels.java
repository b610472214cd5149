package org.distill4j.onnx;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operators ONNX Runtime runs a model with on this machine: the nodes of the graph after all of its optimizations
 * (the QDQ fusions that turn {@code DequantizeLinear → Conv → QuantizeLinear} into {@code QLinearConv}, and so on), as
 * the session writes it out, counted by type.
 *
 * @param ops operator type (with its domain for contrib operators, e.g. {@code com.microsoft:QLinearConv}) to count
 */
public record OnnxKernels(Map<String, Integer> ops) {
    /** Operators that compute on integer tensors (quantized inputs and outputs, or integer accumulation). */
    static final Set<String> INTEGER = Set.of("QLinearConv", "QLinearMatMul", "QLinearAdd", "QLinearMul", "QGemm",
            "QLinearGlobalAveragePool", "QLinearAveragePool", "QLinearConcat", "QLinearSigmoid", "QLinearLeakyRelu",
            "QLinearSoftmax", "MatMulInteger", "ConvInteger", "MatMulIntegerToFloat", "DynamicQuantizeMatMul",
            "QLinearReduceMean");
    /** Operators that read quantized weights but compute in float. */
    static final Set<String> WEIGHT_ONLY = Set.of("MatMulNBits");
    /** Float operators that do the bulk of a network's arithmetic. */
    static final Set<String> FLOAT = Set.of("Conv", "FusedConv", "Gemm", "FusedGemm", "MatMul", "FusedMatMul",
            "ConvTranspose");

    /** Opens {@code model} in ONNX Runtime with {@code threads} threads and counts the operators it runs. */
    public static OnnxKernels of(Path model, int threads) {
        Path optimized;
        try {
            optimized = Files.createTempFile("distill4j-ort-", ".onnx");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            try (OnnxSession s = OnnxSession.open(model, threads, optimized)) {
                // the session writes the optimized graph when it is created
            }
            return read(optimized);
        } finally {
            deleteQuietly(optimized);
        }
    }

    /** The operators of the optimized graph a session wrote ({@link OnnxSession#open}'s {@code optimizedOut}). */
    public static OnnxKernels read(Path optimized) {
        try {
            return of(OnnxMl.ModelProto.parseFrom(Files.readAllBytes(optimized)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file
        }
    }

    /** The operators of {@code model}'s graph, by type. */
    public static OnnxKernels of(OnnxMl.ModelProto model) {
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            String d = n.getDomain();
            ops.merge(d.isEmpty() || d.equals("ai.onnx") ? n.getOpType() : d + ":" + n.getOpType(), 1, Integer::sum);
        }
        return new OnnxKernels(ops);
    }

    private static String type(String op) {
        return op.substring(op.lastIndexOf(':') + 1);
    }

    /** How many nodes compute on integers. */
    public int integer() {
        return count(INTEGER);
    }

    /** How many nodes of the float kinds that carry a network's arithmetic (convolutions, matrix products) remain. */
    public int floatCompute() {
        return count(FLOAT);
    }

    private int count(Set<String> kinds) {
        return ops.entrySet().stream().filter(e -> kinds.contains(type(e.getKey()))).mapToInt(Map.Entry::getValue)
                .sum();
    }

    /** {@code integer: QLinearConv×7, QLinearAdd×3; weight-only: MatMulNBits×1; float: none}. */
    public String describe() {
        return "integer: " + list(INTEGER) + "; weight-only: " + list(WEIGHT_ONLY) + "; float: " + list(FLOAT);
    }

    private String list(Set<String> kinds) {
        List<String> out = new ArrayList<>();
        ops.forEach((op, n) -> {
            if (kinds.contains(type(op))) {
                out.add(type(op) + "×" + n);
            }
        });
        return out.isEmpty() ? "none" : String.join(", ", out);
    }
}
