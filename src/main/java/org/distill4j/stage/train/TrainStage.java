package org.distill4j.stage.train;

import java.nio.file.Path;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.config.StageConfig;
import org.distill4j.model.Net;
import org.distill4j.run.StageReport;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Objective;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;
import org.distill4j.spi.Trainer;

/**
 * {@code type: train}: cross-entropy training of one model slot; hands the trained model on. With {@code reuse}, loads
 * the model another run trained in this same stage instead ({@link ReusedModel}).
 */
public final class TrainStage implements Stage {
    public static final StageType<TrainStageConfig> TYPE = new StageType<>(TrainStageConfig.TYPE,
            TrainStageConfig.class, TrainStageConfig::bind, TrainStage::new);
    private static final Logger LOG = LogManager.getLogger(TrainStage.class);
    private final TrainStageConfig config;
    private final String path;

    public TrainStage(TrainStageConfig config, String path) {
        this.config = config;
        this.path = path;
    }

    @Override
    public void check(RunConfig run, Map<ModelSlot, Net> models) {
        if (config.reuse() == null) {
            return;
        }
        for (int i = 0; i < run.stages().size(); i++) {
            StageConfig s = run.stages().get(i);
            if (s.name().equals(config.name())) {
                break;
            }
            if (s.writes().stream().anyMatch(u -> u.slot() == config.model())) {
                throw new ConfigException(path + "." + TrainStageConfig.REUSE, "only the stage that trains the "
                        + config.model().yaml() + " first can reuse it; stages[" + i + "] (" + s.name()
                        + ") changes it before");
            }
        }
        ReusedModel.find(run, config.name(), config.model(), Path.of(config.reuse()), null,
                path + "." + TrainStageConfig.REUSE);
    }

    @Override
    public StageResult run(StageContext ctx) throws Exception {
        if (config.reuse() != null) {
            Path file = ReusedModel.find(ctx.config(), config.name(), config.model(), Path.of(config.reuse()),
                    ctx.runDir().path(), path + "." + TrainStageConfig.REUSE);
            LOG.info("{}: the {} trained the same way (seed, dataset, model and stage) in {}, not trained again",
                    config.name(), config.model().yaml(), file.getParent());
            Net net = Net.load(file);
            return StageResult.handOn(config.model(), ModelState.of(net, config.name()),
                    StageReport.of(Map.of("reused_from", file.toString())));
        }
        Net net = ctx.model(config.model());
        Objective ce = Objective.crossEntropy(ctx);
        Trainer.Result r = Trainer.train(ctx, config.name(), config.type(), config.model(), net, config.training(),
                ce.loss(), ce.labels());
        return StageResult.handOn(config.model(), ModelState.of(r.net(), config.name()), r.report());
    }
}
