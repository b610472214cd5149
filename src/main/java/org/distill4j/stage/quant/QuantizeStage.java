package org.distill4j.stage.quant;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ModelSlot;
import org.distill4j.eval.Evaluator;
import org.distill4j.math.Quantizer;
import org.distill4j.math.WeightSharing;
import org.distill4j.model.Net;
import org.distill4j.model.QuantizedActivation;
import org.distill4j.model.WeightLayers;
import org.distill4j.model.WeightLayers.WeightLayer;
import org.distill4j.model.WeightMasks;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Objective;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;
import org.distill4j.spi.StepHook;
import org.distill4j.spi.Trainer;

/**
 * {@code type: quantize}: quantization-aware fine-tuning. The stage keeps float32 shadow weights; before every
 * step the network holds their per-channel quantization {@code Q(shadow)}, the optimizer step moves those
 * weights by {@code Δ}, and the stage applies the same {@code Δ} to the shadow and re-quantizes — the
 * straight-through estimator with the optimizer's own update (Adam moments included). Hidden activations are
 * wrapped in {@link QuantizedActivation}. The model handed on holds exactly {@code code · scale} in every
 * quantized weight, and its integer codes and scales go with it to the export stage; its accuracy is that of the
 * quantized model.
 */
public final class QuantizeStage implements Stage {
    public static final StageType<QuantizeStageConfig> TYPE = new StageType<>(QuantizeStageConfig.TYPE,
            QuantizeStageConfig.class, QuantizeStageConfig::bind, QuantizeStage::new);
    private static final Logger LOG = LogManager.getLogger(QuantizeStage.class);
    private final QuantizeStageConfig config;
    private final String path;

    public QuantizeStage(QuantizeStageConfig config, String path) {
        this.config = config;
        this.path = path;
    }

    @Override
    public void check(org.distill4j.config.RunConfig run, Map<ModelSlot, Net> models) {
        if (layers(models.get(config.model())).isEmpty()) {
            throw new ConfigException(path + ".skip", "skips every weight layer of the " + config.model().yaml()
                    + "; nothing left to quantize");
        }
    }

    private List<WeightLayer> layers(Net net) {
        return WeightLayers.select(WeightLayers.of(net), config.skip(), path + ".skip");
    }

    int bits(WeightLayer l) {
        return config.bitsByKind().get(l.kind().yaml(), config.bits());
    }

    @Override
    public StageResult run(StageContext ctx) throws Exception {
        ModelSlot slot = config.model();
        Net unfolded = ctx.model(slot);
        Net initial = unfolded;
        List<String> folded = List.of();
        if (config.foldBatchnorm()) {
            org.distill4j.model.BatchNormFolding.Result f = org.distill4j.model.BatchNormFolding.fold(unfolded);
            initial = f.net();
            folded = f.folded();
            if (!folded.isEmpty()) {
                LOG.info("{}: folded {} BatchNorm layers into the convolutions before them ({})", config.name(),
                        folded.size(), String.join(", ", folded));
            }
        }
        List<WeightLayer> layers = layers(initial);
        long total = Trainer.totalSteps(ctx, config.finetune().training());
        long freezeAfter = config.freezeAfter() != null ? config.freezeAfter() : Math.max(1, total / 2);
        double before = Evaluator.accuracy(initial, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        Net start = initial;
        List<String> quantizedActivations = new ArrayList<>();
        if (config.activationBits() > 0) {
            java.util.Set<String> points = org.distill4j.model.QuantizationPoints.of(initial, config.linearOutputs());
            start = initial.mapActivations((name, a) -> {
                if (!points.contains(name)) {
                    return a;
                }
                quantizedActivations.add(name);
                return new QuantizedActivation(a, config.activationBits(), config.emaDecay(), freezeAfter);
            });
        }
        WeightMasks masks = ctx.state(slot).masks();
        boolean shared = config.scheme() == QuantizeStageConfig.Scheme.KMEANS;
        LOG.info("{}: {} of {} weight layers ({}), activations of {} layers at {} bits "
                + "(ranges frozen after step {} of {}){}; test accuracy before {}", config.name(),
                shared ? "k-means weight sharing and centroid fine-tuning" : "quantization-aware fine-tuning",
                layers.size(),
                String.join(", ", layers.stream().map(l -> l.layer() + " " + bits(l) + "b").toList()),
                quantizedActivations.size(), config.activationBits(), freezeAfter, total,
                masks == null ? "" : "; pruning masks held", String.format("%.4f", before));
        Objective objective = ctx.finetuneObjective(config.name(), slot, config.finetune());
        Hook hook = new Hook(layers, masks, this::bits, shared);
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), slot, start, config.finetune().training(),
                objective.loss(), objective.labels(), hook);
        Net net = r.net();
        double after = Evaluator.accuracy(net, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("objective", objective.description());
        if (shared) {
            report.put("scheme", config.scheme().yaml());
        }
        report.put("test_acc_before", before);
        report.put("test_acc_after", after);
        List<Map<String, Object>> perLayer = new ArrayList<>();
        for (WeightLayer l : layers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.layer());
            m.put("kind", l.kind().yaml());
            m.put("bits", bits(l));
            perLayer.add(m);
        }
        report.put("layers", perLayer);
        report.put("activation_bits", config.activationBits());
        report.put("batchnorm_folded", folded);
        report.put("activation_ranges", hook.ranges(net));
        LOG.info("{}: test accuracy {} (float) -> {} (quantized weights{})", config.name(),
                String.format("%.4f", before), String.format("%.4f", after),
                config.activationBits() > 0 ? " and activations" : "");
        return StageResult.handOn(slot, ModelState.of(net, config.name()).withMasks(masks).withQuantized(hook.channels),
                r.report().with(report));
    }

    /** Float shadow weights, updated by each step's Δ and re-quantized into the network. */
    static final class Hook implements StepHook {
        final List<WeightLayer> layers;
        final WeightMasks masks;
        final java.util.function.ToIntFunction<WeightLayer> bits;
        final Map<String, float[]> shadow = new LinkedHashMap<>();
        final Map<String, float[]> keep = new LinkedHashMap<>();
        final Map<String, Quantizer.Channels> channels = new LinkedHashMap<>();
        final Map<String, float[]> held = new LinkedHashMap<>();

        final boolean shared;

        Hook(List<WeightLayer> layers, WeightMasks masks, java.util.function.ToIntFunction<WeightLayer> bits,
             boolean shared) {
            this.layers = layers;
            this.masks = masks;
            this.bits = bits;
            this.shared = shared;
        }

        @Override
        public void start(Net net) {
            for (WeightLayer l : layers) {
                shadow.put(l.key(), l.rows(net));
                if (masks != null && masks.mask(l.key()) != null) {
                    keep.put(l.key(), l.rowsOf(masks.mask(l.key())));
                }
                if (shared) {
                    apply(net, l, WeightSharing.cluster(masked(l), bits.applyAsInt(l)));
                } else {
                    requantize(net, l);
                }
            }
        }

        /** The shadow weights with the pruned ones zeroed (in place). */
        private float[] masked(WeightLayer l) {
            float[] s = shadow.get(l.key());
            float[] k = keep.get(l.key());
            if (k != null) {
                for (int i = 0; i < s.length; i++) {
                    s[i] *= k[i];
                }
            }
            return s;
        }

        private void apply(Net net, WeightLayer l, Quantizer.Channels q) {
            float[] v = q.values();
            channels.put(l.key(), q);
            held.put(l.key(), v);
            l.setRows(net, v);
        }

        private void requantize(Net net, WeightLayer l) {
            apply(net, l, Quantizer.quantizeSymmetric(masked(l), l.channels(), bits.applyAsInt(l)));
        }

        @Override
        public void afterStep(Net net, long step) {
            for (WeightLayer l : layers) {
                float[] now = l.rows(net);
                float[] was = held.get(l.key());
                float[] s = shadow.get(l.key());
                float[] delta = new float[s.length];
                for (int i = 0; i < s.length; i++) {
                    delta[i] = now[i] - was[i];
                    s[i] += delta[i];
                }
                if (shared) {
                    Quantizer.Channels q = channels.get(l.key());
                    apply(net, l, Quantizer.Channels.shared(q.codes(),
                            WeightSharing.update(q.codebook(), q.codes(), delta), q.bits()));
                } else {
                    requantize(net, l);
                }
            }
        }

        @Override
        public void save(Net net, java.nio.file.Path dir) throws java.io.IOException {
            try (java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(
                    java.nio.file.Files.newOutputStream(dir.resolve("shadow.bin"))))) {
                out.writeInt(shadow.size());
                for (Map.Entry<String, float[]> e : shadow.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    for (float f : e.getValue()) {
                        out.writeFloat(f);
                    }
                    if (shared) { // each weight's cluster and the centroids
                        channels.get(e.getKey()).write(out);
                    }
                }
            }
        }

        @Override
        public void restore(Net net, java.nio.file.Path dir) throws java.io.IOException {
            try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(
                    java.nio.file.Files.newInputStream(dir.resolve("shadow.bin"))))) {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    String key = in.readUTF();
                    float[] v = new float[in.readInt()];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = in.readFloat();
                    }
                    if (!shadow.containsKey(key) || shadow.get(key).length != v.length) {
                        throw new IOException("checkpoint shadow weights for " + key + " do not match the network");
                    }
                    shadow.put(key, v);
                    if (shared) {
                        Quantizer.Channels q = Quantizer.Channels.read(in);
                        if (!q.isShared() || q.codes().length != v.length) {
                            throw new IOException("checkpoint codebook for " + key + " does not match the network");
                        }
                        channels.put(key, q);
                    }
                }
            }
            for (WeightLayer l : layers) {
                if (shared) {
                    apply(net, l, channels.get(l.key()));
                } else {
                    requantize(net, l);
                }
            }
        }

        @Override
        public void epochMetrics(Net net, Map<String, Object> metrics) {
            double err = 0;
            long n = 0;
            for (WeightLayer l : layers) {
                float[] s = shadow.get(l.key());
                float[] v = held.get(l.key());
                for (int i = 0; i < s.length; i++) {
                    err += Math.abs(s[i] - v[i]);
                }
                n += s.length;
            }
            metrics.put("weight_quant_mae", err / n);
            metrics.put("activation_ranges", ranges(net));
        }

        Map<String, Object> ranges(Net net) {
            Map<String, Object> out = new LinkedHashMap<>();
            net.activations().forEach((name, a) -> {
                if (a instanceof QuantizedActivation q && q.range() != null) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("lo", q.range()[0]);
                    m.put("hi", q.range()[1]);
                    m.put("frozen", q.frozen());
                    out.put(name, m);
                }
            });
            return out;
        }
    }
}
