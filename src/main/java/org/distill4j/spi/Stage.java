package org.distill4j.spi;

import java.util.Map;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.model.Net;

/**
 * One step of a run (train, distill, prune, ...). It reads the models it declared ({@code StageConfig.reads}) from
 * the {@link StageContext} and returns what it hands on and reports as a {@link StageResult}; the runner applies
 * the result (hands the models on, saves them, records the report). A stage never changes the context's models.
 */
public interface Stage {
    StageResult run(StageContext ctx) throws Exception;

    /**
     * Checks the stage's settings against the models the run starts with (layer names, ranks), before the run
     * directory exists; throws a config error naming the YAML path. {@code config} is the whole run's config.
     */
    default void check(RunConfig config, Map<ModelSlot, Net> models) {
    }
}
