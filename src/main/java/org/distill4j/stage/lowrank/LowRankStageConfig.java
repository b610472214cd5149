package org.distill4j.stage.lowrank;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import org.distill4j.config.BatchUse;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.ConfigException;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.distill4j.config.FinetuneConfig;
import org.distill4j.config.ModelStageConfig;
import org.distill4j.config.ConfigBinder;

/**
 * {@code type: lowrank} — truncated-SVD factorization of dense layers into two thinner ones, then fine-tuning
 * (with the distillation loss when the run has a teacher). Give {@code rank} (the same for every factorized
 * layer; at most min(fan-in, units) of each) or {@code energy} (per layer, the smallest rank keeping that fraction
 * of the squared singular values). {@code skip} lists dense layers to leave whole. Layer-list networks only
 * (mlp, lenet5, layers); convolutions are not factorized.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "name", "model", "rank", "energy", "skip"})
public record LowRankStageConfig(String name, ModelSlot model, Integer rank, Double energy, List<String> skip,
                                 @JsonUnwrapped FinetuneConfig finetune) implements ModelStageConfig {
    public static final String TYPE = "lowrank";

    public LowRankStageConfig {
        model = model == null ? ModelSlot.STUDENT : model;
        if ((rank == null) == (energy == null)) {
            throw ConfigException.field("rank", "give exactly one of rank or energy");
        }
        if (rank != null) {
            Check.atLeast("rank", rank, 1);
        }
        if (energy != null && !(energy > 0 && energy <= 1)) {
            throw ConfigException.field("energy", "must be in (0, 1], got " + Check.fmt(energy));
        }
        skip = skip == null ? List.of() : List.copyOf(skip);
        if (finetune == null) {
            throw ConfigException.field("epochs", "missing");
        }
        if (name == null) {
            name = TYPE;
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Binds a {@code type: lowrank} section. */
    public static LowRankStageConfig bind(Obj o) {
        return o.build(() -> new LowRankStageConfig(o.string("name", null), o.enumValue("model", ModelSlot.class, null),
                o.integer("rank", null), o.number("energy", null), o.strList("skip", null), ConfigBinder.finetune(o)));
    }


    @Override
    public List<BatchUse> batches() {
        return finetune.batches(model);
    }
}
