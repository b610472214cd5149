package org.distill4j.pipeline;

/** One step of a run (train, distill, evaluate, ...). A stage reads and replaces models in the {@link StageContext}. */
public interface Stage {
    void run(StageContext ctx) throws Exception;
}
