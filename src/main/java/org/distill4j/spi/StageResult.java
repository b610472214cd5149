package org.distill4j.spi;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.distill4j.config.ModelSlot;
import org.distill4j.run.ModelResult;
import org.distill4j.run.StageReport;

/**
 * What a stage returns: the models it hands on by slot (each a slot its config declares in {@code writes()}), its
 * report for {@code summary.json} (null: it reports nothing), and the models it evaluated for the summary's
 * {@code models} section.
 */
public record StageResult(Map<ModelSlot, ModelState> handedOn, StageReport report,
        Map<ModelSlot, ModelResult> evaluations) {
    public StageResult {
        handedOn = Collections.unmodifiableMap(
                handedOn.isEmpty() ? new EnumMap<>(ModelSlot.class) : new EnumMap<>(handedOn));
        evaluations = Collections.unmodifiableMap(
                evaluations.isEmpty() ? new EnumMap<>(ModelSlot.class) : new EnumMap<>(evaluations));
    }

    /** Hands {@code state} on in {@code slot}, with {@code report}. */
    public static StageResult handOn(ModelSlot slot, ModelState state, StageReport report) {
        return new StageResult(Map.of(slot, state), report, Map.of());
    }

    /** Only a report: the stage changes no model. */
    public static StageResult report(StageReport report) {
        return new StageResult(Map.of(), report, Map.of());
    }
}
