package org.distill4j.plugins;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import org.distill4j.config.Check;
import org.distill4j.config.ConfigBinder;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.Obj;
import org.distill4j.config.ModelStageConfig;
import org.distill4j.model.Net;
import org.distill4j.run.StageReport;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.StageType;

/**
 * A toy stage in one file, as docs/extending.md writes it: {@code {type: scale-weights, factor: 0.5}} multiplies every
 * parameter of a model by {@code factor} and hands the result on, reporting the parameters' L2 norm before and after.
 */
public final class ScaleWeightsStage implements Stage {
    public static final StageType<Config> TYPE = new StageType<>("scale-weights", Config.class, Config::bind,
            (c, path) -> new ScaleWeightsStage(c));

    /** The stage's section: {@code factor} (required, > 0), {@code model} (default student). */
    @JsonPropertyOrder({"type", "name", "model", "factor"})
    public record Config(String name, ModelSlot model, double factor) implements ModelStageConfig {
        public Config {
            model = model == null ? ModelSlot.STUDENT : model;
            Check.positive("factor", factor);
            name = name == null ? "scale-weights" : name;
        }

        static Config bind(Obj o) {
            return o.build(() -> new Config(o.string("name", null), o.enumValue("model", ModelSlot.class, null),
                    ConfigBinder.required(o, "factor", o.number("factor", null))));
        }

        @Override
        public String type() {
            return TYPE.name();
        }

    }

    private final Config config;

    private ScaleWeightsStage(Config config) {
        this.config = config;
    }

    @Override
    public StageResult run(StageContext ctx) {
        Net before = ctx.model(config.model());
        Net after = before.mapActivations((layer, a) -> a);
        after.params().muli(config.factor());
        return StageResult.handOn(config.model(), ModelState.of(after, config.name()), StageReport.of(Map.of(
                "factor", config.factor(),
                "l2_before", before.params().norm2Number().doubleValue(),
                "l2_after", after.params().norm2Number().doubleValue())));
    }
}
