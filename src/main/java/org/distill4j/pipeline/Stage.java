package org.distill4j.pipeline;

import java.util.Map;
import org.distill4j.config.ModelSlot;
import org.distill4j.model.Net;

/** One step of a run (train, distill, prune, ...). A stage reads and replaces models in the {@link StageContext}. */
public interface Stage {
    void run(StageContext ctx) throws Exception;

    /**
     * Checks the stage's settings against the models the run starts with (layer names, ranks), before the run
     * directory exists; throws a config error naming the YAML path.
     */
    default void check(Map<ModelSlot, Net> models) {
    }
}
