package org.distill4j.pipeline;

import java.util.function.Function;
import org.distill4j.config.DistillStageConfig;
import org.distill4j.config.EvaluateStageConfig;
import org.distill4j.config.StageConfig;
import org.distill4j.config.TrainStageConfig;
import org.distill4j.registry.Registry;
import org.distill4j.stage.distill.DistillStage;
import org.distill4j.stage.evaluate.EvaluateStage;
import org.distill4j.stage.train.TrainStage;

/** The stage registry: stage type → implementation. One line per stage type. */
public final class Stages {
    private static final Registry<Function<StageConfig, Stage>> REGISTRY = new Registry<Function<StageConfig, Stage>>("stage type")
            .register(TrainStageConfig.TYPE, c -> new TrainStage((TrainStageConfig) c))
            .register(DistillStageConfig.TYPE, c -> new DistillStage((DistillStageConfig) c))
            .register(EvaluateStageConfig.TYPE, c -> new EvaluateStage((EvaluateStageConfig) c));

    private Stages() {
    }

    public static Registry<Function<StageConfig, Stage>> registry() {
        return REGISTRY;
    }

    public static Stage create(StageConfig config, String path) {
        return REGISTRY.get(config.type(), path).apply(config);
    }
}
