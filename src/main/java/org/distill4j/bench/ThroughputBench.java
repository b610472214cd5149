package org.distill4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.distill4j.data.Batches;
import org.distill4j.loss.DistillationLoss;
import org.distill4j.loss.SoftmaxCrossEntropyLoss;
import org.distill4j.math.Stats;
import org.distill4j.model.Net;
import org.distill4j.run.Machine;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Steady-state throughput of the steps training is made of, measured the way the PyTorch reference
 * ({@code shared/bench/kd_peer.py --mode bench}) measures them: {@code warmup} untimed steps, then
 * {@code repeats} timed blocks of {@code iters} steps cycling over 64 real batches; samples/s from the median
 * block. The steps are the ones the pipeline runs: {@link Net#fit} with Adam 1e-3, {@link Net#output}, and a
 * distillation step whose labels are built per batch exactly as the distill stage builds them.
 */
public final class ThroughputBench {
    /** Batches cycled through, as in the reference. */
    public static final int BATCHES = 64;

    private final Batches data;
    private final int batch;
    private final int[] order;
    private final List<INDArray> xs = new ArrayList<>();
    private final List<INDArray> ys = new ArrayList<>();

    public ThroughputBench(Batches data, int batch) {
        this.data = data;
        this.batch = batch;
        this.order = data.inOrder();
        int nb = Math.min(BATCHES, data.data().size() / batch);
        if (nb < 1) {
            throw new org.distill4j.config.InputException(org.distill4j.config.InputException.Kind.ARGUMENT,
                    "--batch " + batch + " is larger than the dataset's training split (" + data.data().size()
                            + " images)");
        }
        for (int i = 0; i < nb; i++) {
            xs.add(data.features(order, i * batch, (i + 1) * batch, null));
            ys.add(data.oneHot(order, i * batch, (i + 1) * batch));
        }
    }

    /** One timed row: a name, and a factory for the step (called once, after the models are built). */
    public record Row(String name, String kind, Supplier<IntConsumer> step) {
    }

    /** What one row measured. */
    public record Result(String name, String kind, int batch, double msPerIter, double samplesPerSecond,
                         double bestSamplesPerSecond, double spreadPercent, List<Double> repeatSeconds, double load1) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("row", name);
            m.put("kind", kind);
            m.put("batch", batch);
            m.put("ms_per_iter", msPerIter);
            m.put("samples_per_s", samplesPerSecond);
            m.put("best_samples_per_s", bestSamplesPerSecond);
            m.put("spread_pct", spreadPercent);
            m.put("repeat_s", repeatSeconds);
            m.put("load1", load1);
            return m;
        }
    }

    public Row train(String name, Net net) {
        return new Row("train:" + name, "train", () -> {
            Net n = net.forTraining(new SoftmaxCrossEntropyLoss(), new Adam(1e-3), List.of());
            return k -> n.fit(new DataSet(xs.get(k % xs.size()), ys.get(k % ys.size())));
        });
    }

    public Row infer(String name, Net net) {
        return new Row("infer:" + name, "infer", () -> k -> net.output(xs.get(k % xs.size())));
    }

    /**
     * Inference of an ONNX model in ONNX Runtime ({@code session}, with its own thread count) on the same batches,
     * handed over as the flat float rows the session takes.
     */
    public Row inferOnnx(String name, org.distill4j.onnx.OnnxSession session) {
        return new Row("infer-onnx:" + name, "infer-onnx", () -> {
            List<float[]> rows = xs.stream().map(org.distill4j.eval.Evaluator::floats).toList();
            return k -> session.run(rows.get(k % rows.size()), batch);
        });
    }

    /**
     * A distillation step. With {@code cached}, the teacher's logits for the cycled batches are computed
     * before timing and each step gathers its rows and appends the one-hot labels (what the distill stage
     * does with its cache); otherwise the teacher runs on every batch in inference mode.
     */
    public Row distill(String teacherName, String studentName, Net teacher, Net student, boolean cached) {
        String name = (cached ? "distill-cached:" : "distill:") + teacherName + "->" + studentName;
        return new Row(name, cached ? "distill-cached" : "distill", () -> {
            Net s = student.forTraining(new DistillationLoss(4.0, 0.9), new Adam(1e-3), List.of());
            if (cached) {
                // as the distill stage does: logits in dataset order, each step gathers its rows
                // next to the one-hot labels
                float[] table = Nd4j.vstack(xs.stream().map(teacher::output).toArray(INDArray[]::new)).data().asFloat();
                return k -> {
                    int b = k % xs.size();
                    s.fit(new DataSet(xs.get(b), data.teacherAndOneHot(table, order, b * batch, (b + 1) * batch)));
                };
            }
            return k -> {
                int b = k % xs.size();
                s.fit(new DataSet(xs.get(b), Nd4j.hstack(teacher.output(xs.get(b)), ys.get(b))));
            };
        });
    }

    public Result run(Row row, int warmup, int iters, int repeats) {
        IntConsumer step = row.step().get();
        for (int k = 0; k < warmup; k++) {
            step.accept(k);
        }
        double[] times = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < iters; k++) {
                step.accept(warmup + r * iters + k);
            }
            times[r] = (System.nanoTime() - t0) / 1e9;
        }
        double med = Stats.median(times);
        double best = Stats.min(times);
        double worst = Stats.max(times);
        return new Result(row.name(), row.kind(), batch, 1e3 * med / iters, batch * iters / med, batch * iters / best,
                100 * (worst - best) / med, Arrays.stream(times).boxed().toList(), Machine.load1());
    }
}
