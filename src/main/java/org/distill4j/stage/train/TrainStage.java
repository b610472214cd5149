package org.distill4j.stage.train;

import org.distill4j.config.TrainStageConfig;
import org.distill4j.loss.SoftmaxCrossEntropyLoss;
import org.distill4j.model.Net;
import org.distill4j.pipeline.Stage;
import org.distill4j.pipeline.StageContext;
import org.distill4j.pipeline.Trainer;

/** {@code type: train}: cross-entropy training of one model slot; hands the trained model on and saves it. */
public final class TrainStage implements Stage {
    private final TrainStageConfig config;

    public TrainStage(TrainStageConfig config) {
        this.config = config;
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        Net net = ctx.model(config.model());
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), config.model(), net, config.training(),
                new SoftmaxCrossEntropyLoss(), (order, from, to, features) -> ctx.train().oneHot(order, from, to));
        ctx.put(config.model(), r.net(), config.name());
        ctx.saveModel(config.name(), r.net());
        ctx.stageTimes().put(config.name(), r.toMap());
    }
}
