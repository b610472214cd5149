package org.distill4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.distill4j.config.ConfigException;
import org.distill4j.config.InputException;

/**
 * An ONNX model run by ONNX Runtime on the CPU: one float input of shape {@code [batch, features]} (or images,
 * {@code [batch, c, h, w]}, fed the same flat rows) and its first output, the logits {@code [batch, classes]}.
 * A file ONNX Runtime cannot load is a one-line {@link InputException} of kind model-file.
 */
public final class OnnxSession implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final long[] inputShape;
    private final String output;
    private final int classes;
    private final String cudaProblem;
    private final boolean onCuda;

    private OnnxSession(OrtEnvironment env, OrtSession session, String input, long[] inputShape, String output,
                        int classes, boolean onCuda, String cudaProblem) {
        this.env = env;
        this.session = session;
        this.input = input;
        this.inputShape = inputShape;
        this.output = output;
        this.classes = classes;
        this.onCuda = onCuda;
        this.cudaProblem = cudaProblem;
    }

    /** Whether the session runs on CUDA device 0 (asked for, and the CUDA provider could be added). */
    public boolean onCuda() {
        return onCuda;
    }

    /** Why the CUDA provider asked for could not be added (the session runs on the CPU), or null. */
    public String cudaProblem() {
        return cudaProblem;
    }

    /**
     * How to open a model: {@code threads} intra-op threads; {@code optimizedOut}, when not null, receives the graph as
     * ONNX Runtime optimized it (to see which kernels it chose); {@code input} and {@code output} name the tensors to
     * feed and read (null: the model's only input, and its only output, or with {@code firstOutput} its first);
     * {@code spin}: whether idle intra-op threads spin (fastest alone; off when the JVM trains between runs).
     */
    public record Options(int threads, Path optimizedOut, String input, String output, boolean firstOutput,
                          boolean spin, boolean gpu) {
        public static Options of(int threads, Path optimizedOut) {
            return new Options(threads, optimizedOut, null, null, true, true, false);
        }
    }

    /**
     * Whether this ONNX Runtime has its CUDA execution provider (the {@code onnxruntime_gpu} build of the
     * {@code -Pcuda} profile; the CPU build has none).
     */
    public static boolean cudaAvailable() {
        try {
            return OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** {@link #open(Path, Options)} of a classifier's only input and its first output. */
    public static OnnxSession open(Path file, int threads, Path optimizedOut) {
        try {
            return open(file, Options.of(threads, optimizedOut));
        } catch (ConfigException e) {
            throw new InputException(InputException.Kind.MODEL_FILE, e.problem(), e);
        }
    }

    /**
     * Opens {@code file} with all graph optimizations. A file ONNX Runtime cannot load is a one-line
     * {@link InputException} of kind model-file; an input or output that is not there (or not named where the model
     * has several) a relative {@link ConfigException} at {@code input} or {@code output} that lists the model's.
     */
    public static OnnxSession open(Path file, Options o) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(InputException.Kind.MODEL_FILE, "model file not found: " + file);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(o.threads());
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (!o.spin()) {
                opts.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            boolean cuda = false;
            String cudaProblem = null;
            if (o.gpu() && cudaAvailable()) {
                try {
                    opts.addCUDA(0); // device 0; operators CUDA lacks fall back to the CPU
                    cuda = true;
                } catch (OrtException e) { // a GPU build without a GPU or its CUDA libraries: the CPU it is
                    cudaProblem = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                }
            }
            if (o.optimizedOut() != null) {
                opts.setOptimizedModelFilePath(o.optimizedOut().toString());
                // not the warning that a graph optimized for this CPU's vector width is meant for this CPU
                opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            }
            OrtSession s = env.createSession(file.toString(), opts);
            try {
                Map.Entry<String, NodeInfo> in = pick(s.getInputInfo(), o.input(), false, "input", file);
                Map.Entry<String, NodeInfo> out = pick(s.getOutputInfo(), o.output(), o.firstOutput(), "output", file);
                if (!(in.getValue().getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
                    throw ConfigException.field("input", "'" + in.getKey() + "' of " + file + " is "
                            + in.getValue().getInfo() + "; a float32 tensor is expected");
                }
                if (!(out.getValue().getInfo() instanceof TensorInfo to) || to.getShape().length != 2
                        || to.type != OnnxJavaType.FLOAT) {
                    throw ConfigException.field("output", "'" + out.getKey() + "' of " + file + " is "
                            + out.getValue().getInfo() + "; the float32 logits [batch, classes] are expected");
                }
                return new OnnxSession(env, s, in.getKey(), ti.getShape(), out.getKey(), (int) to.getShape()[1],
                        cuda, cudaProblem);
            } catch (RuntimeException e) {
                s.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new InputException(InputException.Kind.MODEL_FILE, file + " is not a model ONNX Runtime can run: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
    }

    /** The tensor named {@code name} (or the only one, or with {@code first} the first) of a model's inputs/outputs. */
    private static Map.Entry<String, NodeInfo> pick(Map<String, NodeInfo> all, String name, boolean first,
                                                    String what, Path file) {
        if (name != null) {
            NodeInfo n = all.get(name);
            if (n == null) {
                throw ConfigException.field(what, file + " has no " + what + " '" + name + "'; its " + what + "s: "
                        + describe(all));
            }
            if (what.equals("input") && all.size() > 1) {
                throw ConfigException.field(what, file + " has " + all.size() + " inputs (" + describe(all)
                        + "); a classifier with one image input is expected");
            }
            return Map.entry(name, n);
        }
        if (all.size() != 1 && !(first && !all.isEmpty())) {
            throw ConfigException.field(what, file + " has " + all.size() + " " + what + "s (" + describe(all)
                    + ")" + (what.equals("input") ? "; a classifier with one image input is expected"
                    : "; name the one that gives the logits"));
        }
        return all.entrySet().iterator().next();
    }

    private static String describe(Map<String, NodeInfo> all) {
        StringBuilder sb = new StringBuilder();
        all.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(shapeOf(v)));
        return sb.toString();
    }

    /** A tensor's declared shape, {@code [-1, 1, 28, 28]} (-1 for a dynamic dimension), or its kind. */
    private static String shapeOf(NodeInfo n) {
        return n.getInfo() instanceof TensorInfo t ? java.util.Arrays.toString(t.getShape()) : n.getInfo().toString();
    }

    /** The input's name. */
    public String inputName() {
        return input;
    }

    /** The logits output's name. */
    public String outputName() {
        return output;
    }

    /** The input's shape as the file declares it (-1 for a dynamic dimension). */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** The number of features per example the input takes (the product of its non-batch dimensions). */
    public long features() {
        long n = 1;
        for (int i = 1; i < inputShape.length; i++) {
            n *= inputShape[i];
        }
        return n;
    }

    /** The number of logits the output declares (-1 when dynamic). */
    public int classes() {
        return classes;
    }

    /** The file's metadata properties (its {@code metadata_props}). */
    public Map<String, String> metadata() {
        try {
            return session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read the model's metadata", e);
        }
    }

    /** Logits {@code [n][classes]} of {@code n} examples given as flat rows of {@link #features()} floats. */
    public float[][] run(float[] rows, int n) {
        long[] shape = inputShape.clone();
        shape[0] = n;
        return run(rows, shape);
    }

    /** Logits {@code [shape[0]][classes]} of the input tensor {@code data} of {@code shape} (row-major). */
    public float[][] run(float[] data, long[] shape) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
             OrtSession.Result r = session.run(Map.of(input, t), java.util.Set.of(output))) {
            return (float[][]) r.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
        }
    }

    /** {@link #run} as row-major {@code [n · classes]} floats. */
    public float[] runFlat(float[] rows, int n) {
        return flat(run(rows, n));
    }

    /** Row-major floats of {@code rows} of equal length. */
    public static float[] flat(float[][] rows) {
        int k = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * k];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * k, k);
        }
        return flat;
    }

    /** The number of weights {@code file} holds (the elements of its initializers); -1 when it cannot be read. */
    public static long parameters(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            long n = 0;
            for (ai.onnx.proto.OnnxMl.TensorProto t : ai.onnx.proto.OnnxMl.ModelProto.parseFrom(in).getGraph()
                    .getInitializerList()) {
                long e = 1;
                for (long d : t.getDimsList()) {
                    e *= d;
                }
                n += e;
            }
            return n;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The ONNX Runtime library's version. */
    public static String runtimeVersion() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    /** Whether this file is an ONNX model by its name ({@code .onnx}). */
    public static boolean isOnnx(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                .endsWith(".onnx");
    }

    /**
     * A one-line {@link InputException} at {@code what} when this model does not take {@code features} inputs per
     * example or does not give {@code classes} logits.
     */
    public void checkFits(long features, int classes, String what) {
        if (features() != features || this.classes != classes) {
            throw new InputException(InputException.Kind.MODEL_FILE, what + ": the model takes " + features()
                    + " inputs and gives " + this.classes + " logits; the data has " + features
                    + " inputs per example and " + classes + " classes");
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
