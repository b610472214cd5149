package org.distill4j.pipeline;

import java.util.function.BiFunction;
import org.distill4j.config.DistillStageConfig;
import org.distill4j.config.EvaluateStageConfig;
import org.distill4j.config.ExportStageConfig;
import org.distill4j.config.LowRankStageConfig;
import org.distill4j.config.PruneStageConfig;
import org.distill4j.config.QuantizeStageConfig;
import org.distill4j.config.StageConfig;
import org.distill4j.config.TrainStageConfig;
import org.distill4j.registry.Registry;
import org.distill4j.stage.distill.DistillStage;
import org.distill4j.stage.evaluate.EvaluateStage;
import org.distill4j.stage.export.ExportStage;
import org.distill4j.stage.lowrank.LowRankStage;
import org.distill4j.stage.prune.PruneStage;
import org.distill4j.stage.quant.QuantizeStage;
import org.distill4j.stage.train.TrainStage;

/** The stage registry: stage type → implementation, given the stage's config and its YAML path ({@code stages[2]}). */
public final class Stages {
    private static final Registry<BiFunction<StageConfig, String, Stage>> REGISTRY = new Registry<BiFunction<StageConfig, String, Stage>>("stage type")
            .register(TrainStageConfig.TYPE, (c, p) -> new TrainStage((TrainStageConfig) c))
            .register(DistillStageConfig.TYPE, (c, p) -> new DistillStage((DistillStageConfig) c))
            .register(PruneStageConfig.TYPE, (c, p) -> new PruneStage((PruneStageConfig) c, p))
            .register(QuantizeStageConfig.TYPE, (c, p) -> new QuantizeStage((QuantizeStageConfig) c, p))
            .register(LowRankStageConfig.TYPE, (c, p) -> new LowRankStage((LowRankStageConfig) c, p))
            .register(ExportStageConfig.TYPE, (c, p) -> new ExportStage((ExportStageConfig) c))
            .register(EvaluateStageConfig.TYPE, (c, p) -> new EvaluateStage((EvaluateStageConfig) c));

    private Stages() {
    }

    public static Registry<BiFunction<StageConfig, String, Stage>> registry() {
        return REGISTRY;
    }

    /** @param index the stage's position in {@code stages:} */
    public static Stage create(StageConfig config, int index) {
        return REGISTRY.get(config.type(), "stages[" + index + "].type").apply(config, "stages[" + index + "]");
    }
}
