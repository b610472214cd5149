package org.distill4j.stage.train;

import org.distill4j.model.Net;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Objective;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;
import org.distill4j.spi.Trainer;

/** {@code type: train}: cross-entropy training of one model slot; hands the trained model on. */
public final class TrainStage implements Stage {
    public static final StageType<TrainStageConfig> TYPE = new StageType<>(TrainStageConfig.TYPE,
            TrainStageConfig.class, TrainStageConfig::bind, (c, path) -> new TrainStage(c));
    private final TrainStageConfig config;

    public TrainStage(TrainStageConfig config) {
        this.config = config;
    }

    @Override
    public StageResult run(StageContext ctx) throws Exception {
        Net net = ctx.model(config.model());
        Objective ce = Objective.crossEntropy(ctx);
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), config.model(), net, config.training(),
                ce.loss(), ce.labels());
        return StageResult.handOn(config.model(), ModelState.of(r.net(), config.name()), r.report());
    }
}
