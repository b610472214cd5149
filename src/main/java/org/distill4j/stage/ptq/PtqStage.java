package org.distill4j.stage.ptq;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.config.StageConfig;
import org.distill4j.data.Batches;
import org.distill4j.eval.Evaluator;
import org.distill4j.math.Calibration;
import org.distill4j.math.Quantizer;
import org.distill4j.model.Net;
import org.distill4j.model.DynamicQuantizedActivation;
import org.distill4j.model.QuantizationPoints;
import org.distill4j.model.QuantizedActivation;
import org.distill4j.model.WeightLayers;
import org.distill4j.model.WeightLayers.WeightLayer;
import org.distill4j.run.StageReport;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code type: ptq}: post-training quantization ({@link PtqStageConfig}). Weights take per-channel symmetric codes
 * ({@link Quantizer#quantizeSymmetric}); in static mode, two passes over the calibration batches find each hidden
 * activation's extremes and then its histogram ({@link Calibration#BINS} bins), from which the method picks the range
 * that the activation is then fake-quantized over ({@link QuantizedActivation#fixed}). Pruned zeros stay zero.
 */
public final class PtqStage implements Stage {
    public static final StageType<PtqStageConfig> TYPE = new StageType<>(PtqStageConfig.TYPE, PtqStageConfig.class,
            PtqStageConfig::bind, PtqStage::new);
    private static final Logger LOG = LogManager.getLogger(PtqStage.class);
    private final PtqStageConfig config;
    private final String path;

    public PtqStage(PtqStageConfig config, String path) {
        this.config = config;
        this.path = path;
    }

    @Override
    public void check(RunConfig run, Map<ModelSlot, Net> models) {
        for (int i = 0; i < run.stages().size(); i++) {
            StageConfig s = run.stages().get(i);
            if (s.name().equals(config.name())) {
                break;
            }
            if ((s.type().equals("quantize") || s.type().equals(PtqStageConfig.TYPE))
                    && s.writes().stream().anyMatch(u -> u.slot() == config.model())) {
                throw new ConfigException(path, "ptq after stages[" + i + "] (" + s.type() + "): the "
                        + config.model().yaml() + " is quantized already");
            }
        }
        if (layers(models.get(config.model())).isEmpty()) {
            throw new ConfigException(path + ".skip", "skips every weight layer of the " + config.model().yaml()
                    + "; nothing left to quantize");
        }
    }

    private List<WeightLayer> layers(Net net) {
        return WeightLayers.select(WeightLayers.of(net), config.skip(), path + ".skip");
    }

    @Override
    public StageResult run(StageContext ctx) throws Exception {
        ModelSlot slot = config.model();
        ModelState in = ctx.state(slot);
        Net net = in.net();
        List<String> folded = List.of();
        if (config.foldBatchnorm()) {
            org.distill4j.model.BatchNormFolding.Result f = org.distill4j.model.BatchNormFolding.fold(net);
            net = f.net();
            folded = f.folded();
        }
        net = net.mapActivations((name, a) -> a); // a copy: the stage before keeps its network
        double before = Evaluator.accuracy(net, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        Map<String, Quantizer.Channels> codes = new LinkedHashMap<>();
        for (WeightLayer l : layers(net)) {
            Quantizer.Channels c = Quantizer.quantizeSymmetric(l.rows(net), l.channels(), config.bits());
            l.setRows(net, c.values());
            codes.put(l.key(), c);
        }
        Map<String, double[]> ranges = new LinkedHashMap<>();
        java.util.Set<String> dynamicPoints = java.util.Set.of();
        if (config.mode() == PtqStageConfig.Mode.DYNAMIC) {
            // where the ONNX export quantizes a layer's input at run time, as ONNX Runtime will
            dynamicPoints = QuantizationPoints.of(net, false);
            java.util.Set<String> p = dynamicPoints;
            net = net.mapActivations((name, a) -> p.contains(name) ? new DynamicQuantizedActivation(a) : a);
        }
        if (config.mode() == PtqStageConfig.Mode.STATIC) {
            ranges = calibrate(net, ctx.train());
            Map<String, double[]> r = ranges;
            net = net.mapActivations((name, a) -> r.containsKey(name)
                    ? QuantizedActivation.fixed(a, config.activationBits(), r.get(name)[0], r.get(name)[1]) : a);
        }
        double after = Evaluator.accuracy(net, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", config.mode().yaml());
        report.put("bits", config.bits());
        if (config.mode() == PtqStageConfig.Mode.STATIC) {
            report.put("activation_bits", config.activationBits());
            report.put("method", config.method().yaml());
            report.put("calibration_examples", calibrationExamples(ctx.train()));
        }
        report.put("batchnorm_folded", folded);
        if (config.mode() == PtqStageConfig.Mode.DYNAMIC) {
            report.put("dynamic_activations", dynamicPoints.stream().toList());
        }
        report.put("layers", codes.keySet().stream().toList());
        Map<String, List<Double>> rangeReport = new LinkedHashMap<>();
        ranges.forEach((k, v) -> rangeReport.put(k, List.of(v[0], v[1])));
        report.put("activation_ranges", rangeReport);
        report.put("test_acc_before", before);
        report.put("test_acc_after", after);
        LOG.info("{}: {} post-training quantization, weights of {} layers at {} bits{}; test accuracy {} -> {}",
                config.name(), config.mode().yaml(), codes.size(), config.bits(),
                config.mode() == PtqStageConfig.Mode.STATIC ? ", activations of " + ranges.size() + " layers at "
                        + config.activationBits() + " bits (" + config.method().yaml() + ")" : "",
                String.format("%.4f", before), String.format("%.4f", after));
        ModelState out = ModelState.of(net, config.name()).withMasks(in.masks()).withQuantized(codes);
        return StageResult.handOn(slot, out, StageReport.of(report));
    }

    private int calibrationExamples(Batches train) {
        return Math.min(train.data().size(), config.calibrationBatches() * config.batchSize());
    }

    /** Each quantizable activation's range: a pass for the extremes, a pass for the histogram, then the method. */
    private Map<String, double[]> calibrate(Net net, Batches train) {
        Set<String> names = QuantizationPoints.of(net, config.linearOutputs());
        int n = calibrationExamples(train);
        if (n == 0) {
            throw new ConfigException(path + ".calibration_batches", "the training split is empty: no calibration "
                    + "data");
        }
        int[] order = train.inOrder();
        Map<String, double[]> extremes = new LinkedHashMap<>();
        for (int from = 0; from < n; from += config.batchSize()) {
            INDArray x = train.features(order, from, Math.min(n, from + config.batchSize()), null);
            net.activations(x, names).forEach((k, a) -> {
                double[] e = extremes.computeIfAbsent(k, key -> new double[] {Double.MAX_VALUE, -Double.MAX_VALUE});
                e[0] = Math.min(e[0], a.minNumber().doubleValue());
                e[1] = Math.max(e[1], a.maxNumber().doubleValue());
            });
        }
        Map<String, Calibration.Histogram> hist = new LinkedHashMap<>();
        extremes.forEach((k, e) -> hist.put(k, new Calibration.Histogram(e[0], e[1], Calibration.BINS)));
        if (config.method() != PtqStageConfig.Method.MINMAX) {
            for (int from = 0; from < n; from += config.batchSize()) {
                INDArray x = train.features(order, from, Math.min(n, from + config.batchSize()), null);
                net.activations(x, names).forEach((k, a) -> hist.get(k).add(Evaluator.floats(a.reshape(1,
                        a.length()))));
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        hist.forEach((k, h) -> out.put(k, Calibration.range(config.method().calibration(), h,
                config.activationBits(), config.percentile())));
        return out;
    }
}
