package org.distill4j.stage.lowrank;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ModelSlot;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.LowRank;
import org.distill4j.model.ModelSummary;
import org.distill4j.model.Net;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Objective;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;
import org.distill4j.spi.Trainer;

/** {@code type: lowrank}: factorizes the dense layers by truncated SVD, then fine-tunes the thinner network. */
public final class LowRankStage implements Stage {
    public static final StageType<LowRankStageConfig> TYPE = new StageType<>(LowRankStageConfig.TYPE,
            LowRankStageConfig.class, LowRankStageConfig::bind, LowRankStage::new);
    private static final Logger LOG = LogManager.getLogger(LowRankStage.class);
    private final LowRankStageConfig config;
    private final String path;

    public LowRankStage(LowRankStageConfig config, String path) {
        this.config = config;
        this.path = path;
    }

    /** The dense layers to factorize (name → fan-in, units). */
    private Map<String, long[]> layers(Net net) {
        if (net.isGraph()) {
            throw new ConfigException(path + ".type",
                    "lowrank factorizes dense layers of layer-list networks (mlp, lenet5, layers); the "
                    + config.model().yaml() + " is a graph");
        }
        Map<String, Integer> dense = LowRank.denseLayers(net);
        for (int j = 0; j < config.skip().size(); j++) {
            if (!dense.containsKey(config.skip().get(j))) {
                throw new ConfigException(path + ".skip[" + j + "]", "no dense layer '" + config.skip().get(j)
                        + "'; dense layers: " + String.join(", ", dense.keySet()));
            }
        }
        Map<String, long[]> out = new LinkedHashMap<>();
        dense.forEach((name, i) -> {
            if (!config.skip().contains(name)) {
                var w = net.model().paramTable().get(i + "_W");
                out.put(name, new long[] {w.size(0), w.size(1)});
            }
        });
        if (out.isEmpty()) {
            throw new ConfigException(path + ".skip", "leaves no dense layer to factorize");
        }
        return out;
    }

    @Override
    public void check(org.distill4j.config.RunConfig run, Map<ModelSlot, Net> models) {
        Map<String, long[]> layers = layers(models.get(config.model()));
        if (config.rank() != null) {
            for (Map.Entry<String, long[]> e : layers.entrySet()) {
                long max = Math.min(e.getValue()[0], e.getValue()[1]);
                if (config.rank() > max) {
                    throw new ConfigException(path + ".rank", "must be at most " + max + " for layer " + e.getKey()
                            + " (" + e.getValue()[0] + " x " + e.getValue()[1] + "), got " + config.rank());
                }
            }
        }
    }

    @Override
    public StageResult run(StageContext ctx) throws Exception {
        ModelSlot slot = config.model();
        Net initial = ctx.model(slot);
        Map<String, long[]> layers = layers(initial);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        List<Map<String, Object>> perLayer = new ArrayList<>();
        Map<String, Integer> index = LowRank.denseLayers(initial);
        for (Map.Entry<String, long[]> e : layers.entrySet()) {
            LowRank.Svd svd = LowRank.svd(initial.model().paramTable().get(index.get(e.getKey()) + "_W"));
            int r = config.rank() != null ? config.rank() : svd.rankFor(config.energy());
            ranks.put(e.getKey(), r);
            double total = 0;
            double kept = 0;
            for (int i = 0; i < svd.singular().length; i++) {
                total += svd.singular()[i] * svd.singular()[i];
                kept += i < r ? svd.singular()[i] * svd.singular()[i] : 0;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", e.getKey());
            m.put("shape", List.of(e.getValue()[0], e.getValue()[1]));
            m.put("rank", r);
            m.put("energy_kept", kept / total);
            perLayer.add(m);
        }
        Net factored = LowRank.factorize(initial, ranks);
        ModelSummary before = ModelSummary.of(initial, ctx.input());
        ModelSummary after = ModelSummary.of(factored, ctx.input());
        double accBefore = Evaluator.accuracy(initial, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        double accFactored = Evaluator.accuracy(factored, ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        LOG.info("{}: ranks {}; params {} -> {}, FLOPs/sample {} -> {}; test accuracy {} -> {} before fine-tuning",
                config.name(), ranks, before.params(), after.params(), before.flops(), after.flops(),
                String.format("%.4f", accBefore), String.format("%.4f", accFactored));
        Objective objective = ctx.finetuneObjective(config.name(), slot, config.finetune());
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), slot, factored,
                config.finetune().training(), objective.loss(), objective.labels());
        double accAfter = Evaluator.accuracy(r.net(), ctx.test(), Evaluator.DEFAULT_BATCH, Integer.MAX_VALUE);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("objective", objective.description());
        report.put("params_before", before.params());
        report.put("params_after", after.params());
        report.put("flops_before", before.flops());
        report.put("flops_after", after.flops());
        report.put("test_acc_before", accBefore);
        report.put("test_acc_factored", accFactored);
        report.put("test_acc_after", accAfter);
        report.put("layers", perLayer);
        LOG.info("{}: test accuracy {} -> {} after fine-tuning", config.name(), String.format("%.4f", accBefore),
                String.format("%.4f", accAfter));
        return StageResult.handOn(slot, ModelState.of(r.net(), config.name()), r.report().with(report));
    }
}
