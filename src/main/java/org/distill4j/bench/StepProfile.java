package org.distill4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.math.Stats;
import org.distill4j.data.Batches;
import org.distill4j.model.Net;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Steady-state speed of one network: milliseconds per training step and per inference batch (median of
 * {@code iterations} after {@code warmup}).
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
        m.put("train_step_ms_median", Stats.median(train));
        m.put("train_step_ms_min", Stats.min(train));
        m.put("train_samples_per_s", n / Stats.median(train) * 1000);
        m.put("inference_ms_median", Stats.median(infer));
        m.put("inference_samples_per_s", n / Stats.median(infer) * 1000);
        return m;
    }
}
