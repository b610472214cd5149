package org.distill4j.stage.ptq;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.distill4j.config.BatchUse;
import org.distill4j.config.Check;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.ModelStageConfig;
import org.distill4j.config.Obj;
import org.distill4j.math.Calibration;

/**
 * {@code type: ptq} — post-training quantization, no training. Weights are quantized symmetric per output channel at
 * {@code bits} (layers in {@code skip} stay float). {@code mode: static} also fixes an asymmetric per-tensor range
 * for the output of every hidden layer's activation at {@code activation_bits}, chosen by {@code method}
 * ({@code minmax}, {@code percentile} at {@code percentile}, {@code entropy}, {@code mse}; see
 * {@link Calibration}) from {@code calibration_batches} batches of {@code batch_size} training images;
 * {@code mode: dynamic} quantizes the weights only (the ONNX export quantizes each layer's input at run time). With
 * {@code fold_batchnorm} (default) every BatchNorm that follows
 * a convolution is folded into it first; with {@code linear_outputs} (default, static mode) the outputs of layers
 * without an activation that feed a residual add or another layer are quantized too
 * ({@link org.distill4j.model.QuantizationPoints}). The result goes on to {@code evaluate} and {@code export} like a
 * {@code quantize} stage's.
 */
@JsonPropertyOrder({"type", "name", "model", "mode", "bits", "activation_bits", "method", "percentile",
        "calibration_batches", "batch_size", "fold_batchnorm", "linear_outputs", "skip"})
public record PtqStageConfig(String name, ModelSlot model, Mode mode, int bits, int activationBits,
                             Method method, double percentile, int calibrationBatches, int batchSize,
                             boolean foldBatchnorm, @JsonIgnore boolean linearOutputs, List<String> skip)
        implements ModelStageConfig {
    public static final String TYPE = "ptq";

    /** Static: weights and activations; dynamic: weights only. */
    public enum Mode { STATIC, DYNAMIC;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    /** How activation ranges are chosen ({@link Calibration.Method}). */
    public enum Method { MINMAX, PERCENTILE, ENTROPY, MSE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }

        public Calibration.Method calibration() {
            return Calibration.Method.valueOf(name());
        }
    }

    public PtqStageConfig {
        model = model == null ? ModelSlot.STUDENT : model;
        mode = mode == null ? Mode.STATIC : mode;
        method = method == null ? Method.MINMAX : method;
        Check.between("bits", bits, 2, 8);
        Check.between("activation_bits", activationBits, 2, 8);
        if (!(percentile > 50 && percentile <= 100)) {
            throw ConfigException.field("percentile", "must be in (50, 100], got " + Check.fmt(percentile));
        }
        Check.atLeast("calibration_batches", calibrationBatches, 1);
        Check.atLeast("batch_size", batchSize, 1);
        skip = skip == null ? List.of() : List.copyOf(skip);
        if (name == null) {
            name = TYPE;
        }
    }

    /** {@code linear_outputs} as configs write it: left out when true (the default). */
    @JsonProperty("linear_outputs")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Boolean linearOutputsWritten() {
        return linearOutputs ? null : Boolean.FALSE;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Binds a {@code type: ptq} section. */
    public static PtqStageConfig bind(Obj o) {
        return o.build(() -> new PtqStageConfig(o.string("name", null), o.enumValue("model", ModelSlot.class, null),
                o.enumValue("mode", Mode.class, null), o.integer("bits", 8), o.integer("activation_bits", 8),
                o.enumValue("method", Method.class, null), o.number("percentile", 99.99),
                o.integer("calibration_batches", 32), o.integer("batch_size", 128), o.bool("fold_batchnorm", true),
                o.bool("linear_outputs", true), o.strList("skip", null)));
    }

    @Override
    public List<BatchUse> batches() {
        return List.of(BatchUse.inference(model, batchSize));
    }
}
