package org.distill4j.stage.quant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
 * {@code type: quantize} — quantization-aware fine-tuning (Jacob et al. 2018). Weights are fake-quantized
 * symmetric per output channel at {@code bits} ({@code bits_by_kind} per layer kind); the forward pass sees the
 * quantized weights, the optimizer updates float shadow weights (straight-through estimator). With
 * {@code activation_bits} (0: activations stay float) the output of every hidden layer's activation is fake-quantized
 * asymmetric per tensor, its range tracked by an EMA ({@code ema_decay}) and frozen after {@code freeze_after} steps
 * (default: half the stage). With {@code fold_batchnorm} (default) every BatchNorm that follows a convolution is first
 * folded into it, so the quantized weights are the ones inference multiplies by. With {@code linear_outputs} (default)
 * the outputs of layers without an activation that feed a residual add or another layer are quantized too
 * ({@link org.distill4j.model.QuantizationPoints}), so an exported network runs on integer kernels throughout.
 * Pruned weights (zeros left by a {@code prune} stage) stay zero. {@code skip} lists layer names or kinds whose
 * weights stay float.
 * <p>{@code scheme: kmeans} shares weights instead (Deep Compression): each layer's weights take one of {@code 2^bits}
 * values, 0 and {@code 2^bits − 1} centroids found by k-means from a linear initialisation; the fine-tuning moves
 * the centroids (see {@link org.distill4j.math.WeightSharing}) while each weight keeps its cluster.
 */
@JsonPropertyOrder({"type", "name", "model", "scheme", "bits", "bits_by_kind", "activation_bits", "ema_decay",
        "freeze_after",
        "fold_batchnorm", "linear_outputs", "skip"})
public record QuantizeStageConfig(String name, ModelSlot model, @JsonIgnore Scheme scheme, int bits,
                                  PerKind<Integer> bitsByKind,
                                  int activationBits, double emaDecay, Integer freezeAfter, boolean foldBatchnorm,
                                  @JsonIgnore boolean linearOutputs, List<String> skip,
                                  @JsonUnwrapped FinetuneConfig finetune)
        implements ModelStageConfig {
    public static final String TYPE = "quantize";

    /** How weights are quantized: uniform per-channel codes, or codes into a k-means codebook. */
    public enum Scheme { UNIFORM, KMEANS;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public QuantizeStageConfig {
        model = model == null ? ModelSlot.STUDENT : model;
        scheme = scheme == null ? Scheme.UNIFORM : scheme;
        bits("bits", bits);
        bitsByKind = bitsByKind == null ? PerKind.none() : bitsByKind;
        for (String k : List.of("conv", "dense", "output")) {
            Integer v = bitsByKind.get(k, null);
            if (v != null) {
                bits("bits_by_kind." + k, v);
            }
        }
        if (activationBits != 0) {
            bits("activation_bits", activationBits);
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw ConfigException.field("ema_decay", "must be in [0, 1), got " + Check.fmt(emaDecay));
        }
        if (freezeAfter != null) {
            Check.atLeast("freeze_after", freezeAfter, 1);
        }
        skip = skip == null ? List.of() : List.copyOf(skip);
        if (finetune == null) {
            throw ConfigException.field("epochs", "missing");
        }
        if (name == null) {
            name = TYPE;
        }
    }

    static void bits(String field, int v) {
        if (v < 2 || v > 8) {
            throw ConfigException.field(field, "must be 2..8"
                    + (field.equals("activation_bits") ? " (or 0 for float activations)" : "") + ", got " + v);
        }
    }

    /** The scheme as configs write it: left out when uniform, so earlier resolved configs read and hash the same. */
    @JsonProperty("scheme")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Scheme schemeWritten() {
        return scheme == Scheme.UNIFORM ? null : scheme;
    }

    /**
     * {@code linear_outputs} as configs write it: left out when true (the default), so earlier resolved configs hash
     * the same.
     */
    @JsonProperty("linear_outputs")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Boolean linearOutputsWritten() {
        return linearOutputs ? null : Boolean.FALSE;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Binds a {@code type: quantize} section. */
    public static QuantizeStageConfig bind(Obj o) {
        return o.build(() -> new QuantizeStageConfig(o.string("name", null),
                o.enumValue("model", ModelSlot.class, null), o.enumValue("scheme", Scheme.class, null),
                o.integer("bits", 8), ConfigBinder.perKindInt(o.obj("bits_by_kind")), o.integer("activation_bits", 8),
                o.number("ema_decay", 0.99), o.integer("freeze_after", null), o.bool("fold_batchnorm", true),
                o.bool("linear_outputs", true), o.strList("skip", null), ConfigBinder.finetune(o)));
    }


    @Override
    public List<BatchUse> batches() {
        return finetune.batches(model);
    }
}
