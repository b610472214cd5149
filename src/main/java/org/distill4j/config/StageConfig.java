package org.distill4j.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One entry of {@code stages:}. Each implementation is one stage type; {@link #type()} is its YAML name. */
public sealed interface StageConfig permits TrainStageConfig, DistillStageConfig, EvaluateStageConfig, PruneStageConfig,
        QuantizeStageConfig, LowRankStageConfig, ExportStageConfig {
    @JsonProperty("type")
    String type();

    /** Unique name of this stage within the run (used for metrics and saved models). */
    String name();
}
