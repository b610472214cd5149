package org.distill4j.stage.evaluate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ModelSlot;
import org.distill4j.eval.EvalResult;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.ModelSummary;
import org.distill4j.model.Net;
import org.distill4j.model.OneDnn;
import org.distill4j.run.ModelResult;
import org.distill4j.spi.OnnxTeacher;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;

/**
 * {@code type: evaluate}: test-set report per model ({@code eval-<model>.json}) and the numbers for
 * {@code summary.json}.
 */
public final class EvaluateStage implements Stage {
    public static final StageType<EvaluateStageConfig> TYPE = new StageType<>(EvaluateStageConfig.TYPE,
            EvaluateStageConfig.class, EvaluateStageConfig::bind, (c, path) -> new EvaluateStage(c));
    private static final Logger LOG = LogManager.getLogger(EvaluateStage.class);
    private final EvaluateStageConfig config;

    public EvaluateStage(EvaluateStageConfig config) {
        this.config = config;
    }

    @Override
    public StageResult run(StageContext ctx) throws Exception {
        Map<ModelSlot, ModelResult> results = new EnumMap<>(ModelSlot.class);
        for (ModelSlot slot : config.models()) {
            OnnxTeacher onnx = slot == ModelSlot.TEACHER ? ctx.onnxTeacher() : null;
            Net net = onnx == null ? ctx.model(slot) : null;
            Evaluator.Model m = onnx != null ? x -> Evaluator.floats(onnx.logits(x))
                    : x -> Evaluator.floats(net.output(x));
            EvalResult r = Evaluator.evaluate(m, ctx.test(), config.batchSize());
            LOG.info("\n{}", r.report(slot.yaml() + (onnx != null ? " (ONNX Runtime)" : "") + " on the test set"));
            ctx.runDir().writeJson("eval-" + slot.yaml() + ".json", r.toMap());
            Double validation = ctx.validation().data().size() == 0 ? null
                    : Evaluator.accuracy(m, ctx.validation(), config.batchSize(), Integer.MAX_VALUE);
            if (onnx != null) {
                long params = onnx.params();
                results.put(slot, new ModelResult(ctx.describe(slot), null, params, null, params * 4,
                        Files.size(onnx.file()), r.samplesPerSecond(), null, r.accuracy(), r.top5(), validation));
                continue;
            }
            ModelSummary s = ModelSummary.of(net, ctx.input());
            String producer = ctx.state(slot).producedBy();
            Path zip = producer == null ? null : ctx.runDir().file(producer + ".zip");
            results.put(slot, new ModelResult(ctx.describe(slot), producer, s.params(), s.flops(), s.params() * 4,
                    zip != null && Files.exists(zip) ? Files.size(zip) : null, r.samplesPerSecond(),
                    OneDnn.helperOf(net), r.accuracy(), r.top5(), validation));
        }
        return new StageResult(Map.of(), null, results);
    }
}
