package org.distill4j.stage.evaluate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.EvaluateStageConfig;
import org.distill4j.config.ModelSlot;
import org.distill4j.eval.EvalResult;
import org.distill4j.eval.Evaluator;
import org.distill4j.model.ModelSummary;
import org.distill4j.model.Net;
import org.distill4j.pipeline.Stage;
import org.distill4j.pipeline.StageContext;

/** {@code type: evaluate}: test-set report per model ({@code eval-<model>.json}) and the numbers for {@code summary.json}. */
public final class EvaluateStage implements Stage {
    private static final Logger LOG = LogManager.getLogger(EvaluateStage.class);
    private final EvaluateStageConfig config;

    public EvaluateStage(EvaluateStageConfig config) {
        this.config = config;
    }

    @Override
    public void run(StageContext ctx) throws Exception {
        for (ModelSlot slot : config.models()) {
            Net net = ctx.model(slot);
            EvalResult r = Evaluator.evaluate(net, ctx.test(), config.batchSize());
            LOG.info("\n{}", r.report(slot.yaml() + " on the test set"));
            ctx.runDir().writeJson("eval-" + slot.yaml() + ".json", r.toMap());
            ModelSummary s = ModelSummary.of(net, ctx.input());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("architecture", ctx.describe(slot));
            m.put("trained_by", ctx.producedBy(slot));
            m.put("params", s.params());
            m.put("flops_per_sample", s.flops());
            m.put("fp32_param_bytes", s.params() * 4);
            String producer = ctx.producedBy(slot);
            Path zip = producer == null ? null : ctx.runDir().file(producer + ".zip");
            m.put("model_bytes", zip != null && Files.exists(zip) ? Files.size(zip) : null);
            m.put("inference_samples_per_s", r.samplesPerSecond());
            m.put("onednn_helper", org.distill4j.model.OneDnn.helperOf(net));
            ctx.recordResult(slot, r, m);
        }
    }
}
