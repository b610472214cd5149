package org.distill4j.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.data.Batches;
import org.distill4j.model.Net;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;

/**
 * Steady-state speed of one network: milliseconds per training step and per inference batch (median of
 * {@code iterations} after {@code warmup}), and optionally ND4J's per-op time breakdown of training steps
 * (which ops — conv2d, conv2d_bp, batchnorm, gemm, the updater, ... — take the time).
 */
public final class StepProfile {
    private StepProfile() {
    }

    public static Map<String, Object> measure(Net net, Batches data, int batch, int warmup, int iterations) {
        int[] order = data.inOrder();
        int n = Math.min(batch, data.data().size());
        INDArray x = data.features(order, 0, n, null);
        DataSet ds = new DataSet(x, data.oneHot(order, 0, n));
        for (int i = 0; i < warmup; i++) {
            net.fit(ds);
            net.output(x);
        }
        double[] train = new double[iterations];
        double[] infer = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            net.fit(ds);
            train[i] = (System.nanoTime() - t0) / 1e6;
            t0 = System.nanoTime();
            net.output(x);
            infer[i] = (System.nanoTime() - t0) / 1e6;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch", n);
        m.put("train_step_ms_median", median(train));
        m.put("train_step_ms_min", min(train));
        m.put("train_samples_per_s", n / median(train) * 1000);
        m.put("inference_ms_median", median(infer));
        m.put("inference_samples_per_s", n / median(infer) * 1000);
        return m;
    }

    /** Runs {@code iterations} training steps with ND4J's op profiler on and prints its dashboard to the log. */
    public static void opBreakdown(Net net, Batches data, int batch, int iterations) {
        int[] order = data.inOrder();
        int n = Math.min(batch, data.data().size());
        DataSet ds = new DataSet(data.features(order, 0, n, null), data.oneHot(order, 0, n));
        OpProfiler.getInstance().reset();
        Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.OPERATIONS);
        try {
            for (int i = 0; i < iterations; i++) {
                net.fit(ds);
            }
        } finally {
            Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
        }
        OpProfiler.getInstance().printOutDashboard();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }
}
