package org.distill4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
    private final int classes;

    private OnnxSession(OrtEnvironment env, OrtSession session, String input, long[] inputShape, int classes) {
        this.env = env;
        this.session = session;
        this.input = input;
        this.inputShape = inputShape;
        this.classes = classes;
    }

    /**
     * Opens {@code file} with all graph optimizations and {@code threads} intra-op threads; {@code optimizedOut},
     * when not null, receives the graph as ONNX Runtime optimized it (to see which kernels it chose).
     */
    public static OnnxSession open(Path file, int threads, Path optimizedOut) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(InputException.Kind.MODEL_FILE, "model file not found: " + file);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (optimizedOut != null) {
                opts.setOptimizedModelFilePath(optimizedOut.toString());
                // not the warning that a graph optimized for this CPU's vector width is meant for this CPU
                opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            }
            OrtSession s = env.createSession(file.toString(), opts);
            try {
                if (s.getNumInputs() != 1) {
                    throw new InputException(InputException.Kind.MODEL_FILE, file + " has " + s.getNumInputs()
                            + " inputs; a classifier with one image input is expected");
                }
                Map.Entry<String, NodeInfo> in = s.getInputInfo().entrySet().iterator().next();
                NodeInfo out = s.getOutputInfo().values().iterator().next();
                if (!(in.getValue().getInfo() instanceof TensorInfo ti) || !(out.getInfo() instanceof TensorInfo to)
                        || to.getShape().length != 2) {
                    throw new InputException(InputException.Kind.MODEL_FILE, file + ": expected a tensor input and "
                            + "a [batch, classes] tensor output");
                }
                return new OnnxSession(env, s, in.getKey(), ti.getShape(), (int) to.getShape()[1]);
            } catch (OrtException | RuntimeException e) {
                s.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new InputException(InputException.Kind.MODEL_FILE, file + " is not a model ONNX Runtime can run: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
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
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), shape);
             OrtSession.Result r = session.run(Map.of(input, t))) {
            return (float[][]) r.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
        }
    }

    /** {@link #run} as row-major {@code [n · classes]} floats. */
    public float[] runFlat(float[] rows, int n) {
        float[][] out = run(rows, n);
        float[] flat = new float[n * classes];
        for (int i = 0; i < n; i++) {
            System.arraycopy(out[i], 0, flat, i * classes, classes);
        }
        return flat;
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
