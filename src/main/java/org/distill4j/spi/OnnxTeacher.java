package org.distill4j.spi;

import java.nio.file.Path;
import java.util.Arrays;
import org.distill4j.config.ConfigException;
import org.distill4j.config.InputException;
import org.distill4j.config.ModelConfig;
import org.distill4j.config.OnnxModelConfig;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.Architectures;
import org.distill4j.onnx.OnnxSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A teacher that is an ONNX model (exported from PyTorch, TensorFlow, Keras or distill4j) run by ONNX Runtime. It
 * takes the student's batches (flat rows of {@code c·h·w} pixels in [0, 1], channel-major), normalizes them with the
 * configured per-channel mean and std, lays them out as the model's input wants ({@code [n, c·h·w]}, NCHW or NHWC)
 * and gives the model's logits. It exposes no intermediate layers and is never trained.
 */
public final class OnnxTeacher implements Teacher, AutoCloseable {
    private final OnnxSession session;
    private final Path file;
    private final int channels;
    private final int height;
    private final int width;
    private final boolean nhwc;
    private final boolean flat;
    private final float[] mean;
    private final float[] std;
    private final int threads;
    private final long params;

    private OnnxTeacher(OnnxSession session, Path file, Architectures.InputShape in, boolean nhwc, boolean flat,
                        float[] mean, float[] std, int threads) {
        this.session = session;
        this.file = file;
        this.channels = in.channels();
        this.height = in.height();
        this.width = in.width();
        this.nhwc = nhwc;
        this.flat = flat;
        this.mean = mean;
        this.std = std;
        this.threads = threads;
        this.params = OnnxSession.parameters(file);
    }

    /**
     * Opens the ONNX model of {@code spec} (a {@code teacher:} section at {@code section}) for images of {@code in}
     * and checks, by running it on two blank images, that it gives {@code numClasses} logits for them: every
     * problem is a one-line error naming the key ({@code teacher.load}, {@code .input}, {@code .output},
     * {@code .mean}, {@code .std}).
     */
    public static OnnxTeacher open(String section, ModelConfig spec, Architectures.InputShape in, int numClasses) {
        OnnxModelConfig o = spec.onnx();
        Path file = Path.of(spec.load());
        int threads = o.threads() != null ? o.threads() : Runtime.getRuntime().availableProcessors();
        float[] mean = OnnxModelConfig.perChannel(o.mean(), in.channels(), 0f, section + ".mean");
        float[] std = OnnxModelConfig.perChannel(o.std(), in.channels(), 1f, section + ".std");
        OnnxSession s;
        try {
            // no spinning: between teacher batches the student trains on the same cores
            // on a GPU when this ONNX Runtime has CUDA (-Pcuda: onnxruntime_gpu)
            s = OnnxSession.open(file, new OnnxSession.Options(threads, null, o.input(), o.output(), false, false,
                    true));
        } catch (ConfigException e) {
            throw e.under(section);
        } catch (InputException e) {
            throw new InputException(e.kind(), section + ".load: " + e.getMessage(), e);
        }
        try {
            OnnxModelConfig.Layout layout = o.layoutOrDefault();
            long[] shape = s.inputShape();
            long[] want = shape.length == 2 ? new long[]{(long) in.channels() * in.height() * in.width()}
                    : layout == OnnxModelConfig.Layout.NHWC ? new long[]{in.height(), in.width(), in.channels()}
                    : new long[]{in.channels(), in.height(), in.width()};
            if (shape.length != want.length + 1 || !fits(shape, want)) {
                throw new ConfigException(section + ".input", "'" + s.inputName() + "' of " + file + " has shape "
                        + Arrays.toString(shape) + (shape.length == 4 ? " (read as " + layout.yaml() + ")" : "")
                        + "; it cannot take this dataset's " + in.channels() + "x" + in.height() + "x" + in.width()
                        + " images" + (shape.length == 4 ? " (" + layout.yaml() + " wants " + Arrays.toString(
                        prepend(want)) + "; is layout: " + (layout == OnnxModelConfig.Layout.NHWC ? "nchw" : "nhwc")
                        + " meant?)" : ""));
            }
            // a flat input takes channel-major rows, or with layout: nhwc the rows of a flattened HWC image (Keras)
            OnnxTeacher t = new OnnxTeacher(s, file, in, layout == OnnxModelConfig.Layout.NHWC, shape.length == 2,
                    mean, std, threads);
            t.checkClasses(section, numClasses);
            return t;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static boolean fits(long[] shape, long[] want) {
        for (int i = 0; i < want.length; i++) {
            if (shape[i + 1] >= 0 && shape[i + 1] != want[i]) {
                return false;
            }
        }
        return true;
    }

    private static long[] prepend(long[] dims) {
        long[] out = new long[dims.length + 1];
        out[0] = -1;
        System.arraycopy(dims, 0, out, 1, dims.length);
        return out;
    }

    private void checkClasses(String section, int numClasses) {
        float[][] probe;
        try {
            probe = runRows(new float[2 * channels * height * width], 2);
        } catch (IllegalStateException e) {
            throw new ConfigException(section + ".input", "ONNX Runtime cannot run " + file + " on this dataset's "
                    + channels + "x" + height + "x" + width + " images: " + String.valueOf(e.getMessage())
                    .replace("ONNX Runtime failed to run the model: ", "").lines().findFirst().orElse(""));
        }
        if (probe.length != 2 || probe[0].length != numClasses) {
            throw new ConfigException(section + ".output", "'" + session.outputName() + "' of " + file + " gives "
                    + (probe.length == 0 ? 0 : probe[0].length) + " values per image; the dataset has " + numClasses
                    + " classes (the output must be the logits, one per class)");
        }
    }

    @Override
    public INDArray logits(INDArray features) {
        int n = (int) features.size(0);
        float[][] out = runRows(Evaluator.floats(features), n);
        return Nd4j.create(OnnxSession.flat(out), new long[]{n, out.length == 0 ? 0 : out[0].length}, 'c');
    }

    /** The model's logits for {@code n} flat channel-major rows of pixels in [0, 1]. */
    float[][] runRows(float[] rows, int n) {
        return session.run(input(rows, n), flat ? new long[]{n, (long) channels * height * width}
                : nhwc ? new long[]{n, height, width, channels} : new long[]{n, channels, height, width});
    }

    /** The model's input for {@code n} flat channel-major rows: normalized per channel, and in NHWC order if asked. */
    float[] input(float[] rows, int n) {
        int hw = height * width;
        int p = channels * hw;
        float[] x = new float[n * p];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                float m = mean[c];
                float inv = 1f / std[c];
                for (int j = 0; j < hw; j++) {
                    float v = (rows[i * p + c * hw + j] - m) * inv;
                    x[nhwc ? i * p + j * channels + c : i * p + c * hw + j] = v;
                }
            }
        }
        return x;
    }

    /** The number of weights the model file holds (its initializers), for reports. */
    public long params() {
        return params;
    }

    public Path file() {
        return file;
    }

    @Override
    public String describe() {
        String layout = flat ? (nhwc ? " flat hwc" : "") : nhwc ? " nhwc" : " nchw";
        return "ONNX model " + file + " (input '" + session.inputName() + "' " + Arrays.toString(session.inputShape())
                + layout + ", output '" + session.outputName() + "'), run by ONNX Runtime "
                + OnnxSession.runtimeVersion() + (session.onCuda() ? " on CUDA device 0 (CPU for what CUDA lacks, "
                : " on ") + threads + " thread" + (threads == 1 ? "" : "s") + (session.onCuda() ? ")" : "")
                + (session.cudaProblem() == null ? "" : "; CUDA could not be used: " + session.cudaProblem());
    }

    @Override
    public void close() {
        session.close();
    }
}
