package org.distill4j.stage.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.bench.ThroughputBench;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ModelSlot;
import org.distill4j.eval.Evaluator;
import org.distill4j.listen.MaskListener;
import org.distill4j.math.Magnitude;
import org.distill4j.math.PruningSchedule;
import org.distill4j.model.Net;
import org.distill4j.model.StructuredPruning;
import org.distill4j.model.WeightLayers;
import org.distill4j.model.WeightLayers.WeightLayer;
import org.distill4j.model.WeightMasks;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.Json;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Objective;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;
import org.distill4j.spi.StepHook;
import org.distill4j.spi.Trainer;

/**
 * {@code type: prune}: gradual magnitude pruning (Zhu &amp; Gupta 2017) while fine-tuning, with the distillation
 * loss when the run has a teacher. At each pruning step the masks are recomputed from the current weights at the
 * schedule's sparsity; a {@link MaskListener} re-applies them after every optimizer step, so pruned weights stay
 * exactly zero. The masks are handed on with the model for later stages (quantization keeps them).
 */
public final class PruneStage implements Stage {
    public static final StageType<PruneStageConfig> TYPE = new StageType<>(PruneStageConfig.TYPE,
            PruneStageConfig.class, PruneStageConfig::bind, PruneStage::new);
    private static final Logger LOG = LogManager.getLogger(PruneStage.class);
    private final PruneStageConfig config;
    private final String path;

    public PruneStage(PruneStageConfig config, String path) {
        this.config = config;
        this.path = path;
    }

    @Override
    public void check(org.distill4j.config.RunConfig run, Map<ModelSlot, Net> models) {
        if (config.structure() == PruneStageConfig.Structure.FILTERS) {
            if (units(models.get(config.model())).isEmpty()) {
                throw new ConfigException(path + ".structure", "the " + config.model().yaml()
                        + " has no prunable filters or units outside 'skip' "
                        + "(channels tied by a residual add, and the output layer, are never pruned)");
            }
            return;
        }
        if (layers(models.get(config.model())).isEmpty()) {
            throw new ConfigException(path + ".skip", "skips every weight layer of the " + config.model().yaml()
                    + "; nothing left to prune");
        }
    }

    private List<WeightLayer> layers(Net net) {
        return WeightLayers.select(WeightLayers.of(net), config.skip(), path + ".skip");
    }

    double target(WeightLayer l) {
        return config.sparsityByKind().get(l.kind().yaml(), config.sparsity());
    }

    /** The prunable units whose producer is not skipped. */
    private List<StructuredPruning.Unit> units(Net net) {
        java.util.Set<String> allowed = new java.util.HashSet<>();
        layers(net).forEach(l -> allowed.add(l.layer()));
        return StructuredPruning.units(net).stream().filter(u -> allowed.contains(u.producer())).toList();
    }

    @Override
    public StageResult run(StageContext ctx) throws Exception {
        if (config.structure() == PruneStageConfig.Structure.FILTERS) {
            return runStructured(ctx);
        }
        ModelSlot slot = config.model();
        Net initial = ctx.model(slot);
        List<WeightLayer> layers = layers(initial);
        long total = Trainer.totalSteps(ctx, config.finetune().training());
        long end = config.end() != null ? config.end() : Math.round(0.7 * total);
        if (end >= total) {
            throw new ConfigException(path + ".end", "must be below the stage's " + total
                    + " optimizer steps, got " + end);
        }
        if (config.begin() > end) {
            throw new ConfigException(path + ".begin", "must be <= end (" + end + "), got " + config.begin());
        }
        Map<String, PruningSchedule> schedules = new LinkedHashMap<>();
        for (WeightLayer l : layers) {
            double t = target(l);
            schedules.put(l.key(), new PruningSchedule(Math.min(config.initialSparsity(), t), t, config.begin(), end,
                    config.frequency()));
        }
        double before = Evaluator.accuracy(initial, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        LOG.info("{}: pruning {} of the {}'s weight layers ({}), {} scope, steps {}..{} every {} of {}; skipped: {}; "
                + "test accuracy before {}", config.name(), layers.size(), slot.yaml(), describe(layers),
                config.scope().yaml(), config.begin(), end, config.frequency(), total,
                config.skip().isEmpty() ? "none" : String.join(", ", config.skip()), String.format("%.4f", before));
        Objective objective = ctx.finetuneObjective(config.name(), slot, config.finetune());
        Hook hook = new Hook(layers, schedules);
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), slot, initial, config.finetune().training(),
                objective.loss(), objective.labels(), hook);
        Net net = r.net();
        hook.current.apply(net);
        double after = Evaluator.accuracy(net, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("objective", objective.description());
        report.put("test_acc_before", before);
        report.put("test_acc_after", after);
        report.put("weight_sparsity", sparsity(net, WeightLayers.of(net)));
        report.put("pruned_layers_sparsity", sparsity(net, layers));
        List<Map<String, Object>> perLayer = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format("%-20s %-7s %10s %9s %9s%n", "layer", "kind", "weights",
                "target", "sparsity"));
        for (WeightLayer l : WeightLayers.of(net)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.layer());
            m.put("kind", l.kind().yaml());
            m.put("weights", l.size());
            PruningSchedule s = schedules.get(l.key());
            m.put("target", s == null ? 0.0 : s.finalSparsity());
            double sp = Magnitude.sparsity(l.rows(net));
            m.put("sparsity", sp);
            perLayer.add(m);
            table.append(String.format("%-20s %-7s %10d %9s %8.2f%%%n", l.layer(), l.kind().yaml(), l.size(),
                    s == null ? "skipped" : String.format("%.2f%%", 100 * s.finalSparsity()), 100 * sp));
        }
        report.put("layers", perLayer);
        LOG.info("{}: test accuracy {} -> {}; weight sparsity {}\n{}", config.name(), String.format("%.4f", before),
                String.format("%.4f", after), String.format("%.2f%%", 100 * (double) report.get("weight_sparsity")),
                table.toString().stripTrailing());
        return StageResult.handOn(slot, ModelState.of(net, config.name()).withMasks(hook.current),
                r.report().with(report));
    }

    /** {@code structure: filters}: one-shot removal of the lowest-norm filters, a smaller network, then fine-tuning. */
    private StageResult runStructured(StageContext ctx) throws Exception {
        ModelSlot slot = config.model();
        Net initial = ctx.model(slot);
        List<StructuredPruning.Unit> units = units(initial);
        Map<String, int[]> keep = new LinkedHashMap<>();
        List<Map<String, Object>> perLayer = new ArrayList<>();
        StringBuilder table = new StringBuilder(
                String.format("%-16s %-6s %9s %9s%n", "layer", "kind", "channels", "kept"));
        for (StructuredPruning.Unit u : units) {
            double f = config.sparsityByKind().get(u.kind().yaml(), config.sparsity());
            int[] k = StructuredPruning.keepByNorm(initial, u, f, config.norm() == PruneStageConfig.Norm.L2);
            keep.put(u.producer(), k);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", u.producer());
            m.put("kind", u.kind().yaml());
            m.put("channels", u.channels());
            m.put("kept", k.length);
            perLayer.add(m);
            table.append(String.format("%-16s %-6s %9d %9d%n", u.producer(), u.kind().yaml(), u.channels(), k.length));
        }
        Net pruned = StructuredPruning.prune(initial, units, keep);
        org.distill4j.model.ModelSummary before = org.distill4j.model.ModelSummary.of(initial, ctx.input());
        org.distill4j.model.ModelSummary after = org.distill4j.model.ModelSummary.of(pruned, ctx.input());
        ThroughputBench bench = new ThroughputBench(ctx.test(), Evaluator.DEFAULT_BATCH);
        double speedBefore = bench.run(bench.infer("before", initial), 3, 20, 3).samplesPerSecond();
        double speedAfter = bench.run(bench.infer("after", pruned), 3, 20, 3).samplesPerSecond();
        double accBefore = Evaluator.accuracy(initial, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        double accPruned = Evaluator.accuracy(pruned, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        LOG.info("{}: removed the lowest-{} filters/units of {} layers: params {} -> {}, FLOPs/sample {} -> {}, "
                        + "inference {} -> {} samples/s ({}x, batch {}); test accuracy {} -> {} before fine-tuning\n{}",
                config.name(), config.norm().yaml(), units.size(),
                before.params(), after.params(), before.flops(), after.flops(), String.format("%.0f", speedBefore),
                String.format("%.0f", speedAfter), String.format("%.2f", speedAfter / speedBefore),
                Evaluator.DEFAULT_BATCH, String.format("%.4f", accBefore),
                String.format("%.4f", accPruned), table.toString().stripTrailing());
        Objective objective = ctx.finetuneObjective(config.name(), slot, config.finetune());
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), slot, pruned, config.finetune().training(),
                objective.loss(), objective.labels());
        Net net = r.net();
        double accAfter = Evaluator.accuracy(net, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("structure", config.structure().yaml());
        report.put("objective", objective.description());
        report.put("params_before", before.params());
        report.put("params_after", after.params());
        report.put("flops_before", before.flops());
        report.put("flops_after", after.flops());
        report.put("infer_samples_per_s_before", speedBefore);
        report.put("infer_samples_per_s_after", speedAfter);
        report.put("infer_speedup", speedAfter / speedBefore);
        report.put("test_acc_before", accBefore);
        report.put("test_acc_pruned", accPruned);
        report.put("test_acc_after", accAfter);
        report.put("layers", perLayer);
        LOG.info("{}: test accuracy {} -> {} after fine-tuning", config.name(), String.format("%.4f", accBefore),
                String.format("%.4f", accAfter));
        return StageResult.handOn(slot, ModelState.of(net, config.name()), r.report().with(report));
    }

    private static String describe(List<WeightLayer> layers) {
        return String.join(", ", layers.stream().map(l -> l.layer() + " " + l.kind().yaml()).toList());
    }

    /** The fraction of exact zeros over the given layers' weights together. */
    static double sparsity(Net net, List<WeightLayer> layers) {
        long zeros = 0;
        long n = 0;
        for (WeightLayer l : layers) {
            for (float v : l.rows(net)) {
                zeros += v == 0f ? 1 : 0;
            }
            n += l.size();
        }
        return n == 0 ? 0 : (double) zeros / n;
    }

    /** Recomputes the masks at each pruning step; a {@link MaskListener} holds them after every optimizer step. */
    private final class Hook implements StepHook {
        final List<WeightLayer> layers;
        final Map<String, PruningSchedule> schedules;
        WeightMasks current;
        double targetNow;

        Hook(List<WeightLayer> layers, Map<String, PruningSchedule> schedules) {
            this.layers = layers;
            this.schedules = schedules;
        }

        @Override
        public void start(Net net) {
            Map<String, Double> none = new LinkedHashMap<>();
            layers.forEach(l -> none.put(l.key(), 0.0));
            current = WeightMasks.perLayer(net, none);
            net.model().addListeners(new MaskListener(net, () -> current));
        }

        @Override
        public void beforeStep(Net net, long step) {
            if (!schedules.values().iterator().next().isPruningStep(step)) {
                return;
            }
            Map<String, Double> at = new LinkedHashMap<>();
            for (WeightLayer l : layers) {
                at.put(l.key(), schedules.get(l.key()).sparsityAt(step));
            }
            if (config.scope() == PruneStageConfig.Scope.LAYER) {
                current = WeightMasks.perLayer(net, at);
            } else {
                Map<String, org.nd4j.linalg.api.ndarray.INDArray> all = new LinkedHashMap<>();
                for (WeightLayers.Kind kind : WeightLayers.Kind.values()) {
                    List<String> keys = layers.stream().filter(l -> l.kind() == kind).map(WeightLayer::key).toList();
                    if (!keys.isEmpty()) {
                        all.putAll(WeightMasks.global(net, keys, at.get(keys.get(0))).all());
                    }
                }
                current = WeightMasks.of(all);
            }
            current.apply(net);
            targetNow = at.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        @Override
        public void save(Net net, java.nio.file.Path dir) throws java.io.IOException {
            current.write(dir.resolve("masks.bin"));
            AtomicFiles.writeString(dir.resolve("prune.json"), "{\"target_sparsity\": " + targetNow + "}\n");
        }

        @Override
        public void restore(Net net, java.nio.file.Path dir) throws java.io.IOException {
            current = WeightMasks.read(dir.resolve("masks.bin"));
            targetNow = Json.MAPPER.readTree(dir.resolve("prune.json").toFile()).path("target_sparsity").asDouble();
        }

        @Override
        public void epochMetrics(Net net, Map<String, Object> metrics) {
            metrics.put("sparsity", sparsity(net, layers));
            metrics.put("target_sparsity", targetNow);
        }
    }
}
