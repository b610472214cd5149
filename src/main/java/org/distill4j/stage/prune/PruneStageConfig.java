package org.distill4j.stage.prune;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import org.distill4j.config.BatchUse;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.ConfigException;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.distill4j.config.FinetuneConfig;
import org.distill4j.config.PerKind;
import org.distill4j.config.ModelStageConfig;
import org.distill4j.config.ConfigBinder;

/**
 * {@code type: prune} — unstructured magnitude pruning on the gradual schedule of Zhu &amp; Gupta (2017): the
 * target sparsity rises from {@code initial_sparsity} to {@code sparsity} along a cubic between optimizer steps
 * {@code begin} and {@code end}, masks recomputed every {@code frequency} steps, then the network fine-tunes with
 * its masks held until the stage's last epoch. {@code scope: layer} prunes each layer to its target,
 * {@code global} ranks the weights of all pruned layers of a kind together. With {@code structure: filters} the stage
 * instead removes the {@code sparsity} fraction of each prunable layer's filters (conv) or units (dense) with the
 * smallest L1/L2 norm ({@code norm}) in one shot, rebuilds the smaller network, and fine-tunes it. {@code skip} lists
 * layer names or kinds ({@code conv}, {@code dense}, {@code output}, {@code first-conv}) that stay dense; by default
 * the first convolution and the output layer. {@code end} defaults to 70% of the stage's steps.
 */
@JsonPropertyOrder({"type", "name", "model", "structure", "norm", "sparsity", "sparsity_by_kind", "initial_sparsity",
        "scope", "skip", "begin", "end", "frequency"})
public record PruneStageConfig(String name, ModelSlot model, Structure structure, Norm norm, double sparsity,
                               PerKind<Double> sparsityByKind, double initialSparsity,
                               Scope scope, List<String> skip, int begin, Integer end, int frequency,
                               @JsonUnwrapped FinetuneConfig finetune) implements ModelStageConfig {
    public static final String TYPE = "prune";
    public static final List<String> DEFAULT_SKIP = List.of("first-conv", "output");

    /**
     * {@code weights}: unstructured, masks; {@code filters}: whole conv filters / dense units removed, a smaller
     * network rebuilt.
     */
    public enum Structure { WEIGHTS, FILTERS;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    /** The filter norm that ranks filters for {@code structure: filters}. */
    public enum Norm { L1, L2;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public enum Scope { LAYER, GLOBAL;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public PruneStageConfig {
        model = model == null ? ModelSlot.STUDENT : model;
        structure = structure == null ? Structure.WEIGHTS : structure;
        norm = norm == null ? Norm.L1 : norm;
        sparsity(("sparsity"), sparsity);
        sparsityByKind = sparsityByKind == null ? PerKind.none() : sparsityByKind;
        for (String k : List.of("conv", "dense", "output")) {
            Double v = sparsityByKind.get(k, null);
            if (v != null) {
                sparsity("sparsity_by_kind." + k, v);
            }
        }
        sparsity("initial_sparsity", initialSparsity);
        if (initialSparsity > sparsity) {
            throw ConfigException.field("initial_sparsity", "must not exceed sparsity (" + sparsity + "), got "
                    + initialSparsity);
        }
        scope = scope == null ? Scope.LAYER : scope;
        if (structure == Structure.FILTERS && scope == Scope.GLOBAL) {
            throw ConfigException.field("scope", "global ranks single weights; with structure: filters each layer "
                    + "loses its own fraction of filters");
        }
        skip = skip == null ? DEFAULT_SKIP : List.copyOf(skip);
        Check.atLeast("begin", begin, 0);
        if (end != null && end < begin) {
            throw ConfigException.field("end", "must be >= begin (" + begin + "), got " + end);
        }
        Check.atLeast("frequency", frequency, 1);
        if (finetune == null) {
            throw ConfigException.field("epochs", "missing");
        }
        if (name == null) {
            name = TYPE;
        }
    }

    private static void sparsity(String field, double v) {
        if (!(v >= 0 && v < 1)) {
            throw ConfigException.field(field, "must be in [0, 1) (the fraction of weights removed), got "
                    + Check.fmt(v));
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Binds a {@code type: prune} section. */
    public static PruneStageConfig bind(Obj o) {
        return o.build(() -> new PruneStageConfig(o.string("name", null), o.enumValue("model", ModelSlot.class, null),
                o.enumValue("structure", Structure.class, null), o.enumValue("norm", Norm.class, null),
                ConfigBinder.required(o, "sparsity", o.number("sparsity", null)),
                ConfigBinder.perKindDouble(o.obj("sparsity_by_kind")),
                o.number("initial_sparsity", 0.0), o.enumValue("scope", Scope.class, null), o.strList("skip", null),
                o.integer("begin", 0), o.integer("end", null), o.integer("frequency", 50), ConfigBinder.finetune(o)));
    }


    @Override
    public List<BatchUse> batches() {
        return finetune.batches(model);
    }
}
