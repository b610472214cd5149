package org.distill4j.loss;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.config.Check;
import org.distill4j.config.ConfigException;
import org.distill4j.config.LossSpec;
import org.distill4j.config.Obj;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Several distillation losses summed with weights: {@code losses: [{type: dkd, ...}, {type: dist, weight: 0.5}]} at
 * stage level (or {@code loss: {type: combined, losses: [...]}}, the form resolved configs write). Each term keeps its
 * own cross-entropy on the labels (kd's {@code 1 − alpha}, dkd's and dist's {@code ce}), so the labels' weight is the
 * terms' weighted sum of them. The DL4J loss is {@link CombinedLogitLoss}.
 */
@JsonPropertyOrder({"type", "losses"})
public record CombinedLoss(List<Term> losses) implements DistillLoss {
    public static final LossType<CombinedLoss> TYPE = new LossType<>(LossSpec.COMBINED, CombinedLoss::bind);

    /** One weighted term; written back as its loss's keys with {@code weight} after {@code type}. */
    public record Term(@JsonIgnore LossSpec loss, @JsonIgnore double weight) {
        public Term {
            Check.inRange("weight", weight, 0.0, 1000.0);
        }

        @JsonAnyGetter
        public Map<String, Object> written() {
            Map<String, Object> out = new LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            Map<String, Object> keys = new ObjectMapper().convertValue(loss, Map.class);
            out.put("type", loss.type());
            out.put("weight", weight);
            keys.forEach((k, v) -> {
                if (!k.equals("type")) {
                    out.put(k, v);
                }
            });
            return out;
        }
    }

    public CombinedLoss {
        if (losses == null || losses.isEmpty()) {
            throw ConfigException.field("losses", "must list at least one loss, e.g. [{type: dkd}, {type: dist, "
                    + "weight: 0.5}]");
        }
        losses = List.copyOf(losses);
    }

    /** Binds {@code losses: [...]}; each element is a loss of the schema with an optional {@code weight} (1). */
    public static CombinedLoss bind(Obj o) {
        List<Term> terms = o.objList("losses", e -> {
            double weight = e.number("weight", 1.0);
            String type = e.string("type", null);
            if (LossSpec.COMBINED.equals(type)) {
                throw new ConfigException(e.at("type"), "a combined loss cannot hold another; list its terms here");
            }
            LossSpec spec = e.pick("type", e.schema().losses(), "loss").apply(e.without("type", "weight"));
            if (!(spec instanceof DistillLoss) && !(spec instanceof FeatureLoss)) {
                throw new ConfigException(e.at("type"), "'" + type + "' is not a distillation loss");
            }
            return e.build(() -> new Term(spec, weight));
        });
        return o.build(() -> new CombinedLoss(terms));
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public boolean featureBased() {
        return losses.stream().anyMatch(t -> t.loss().featureBased());
    }

    /**
     * The weighted sum of the logit terms; cross-entropy on the labels when every term is a {@link FeatureLoss}
     * (those are trained as branches, see {@link LossParts}).
     */
    @Override
    public ILossFunction create() {
        List<ILossFunction> parts = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (Term t : losses) {
            if (t.loss() instanceof DistillLoss d) {
                parts.add(d.create());
                weights.add(t.weight());
            }
        }
        if (parts.isEmpty()) {
            return LossParts.labelsOnly();
        }
        return new CombinedLogitLoss(parts, weights.stream().mapToDouble(Double::doubleValue).toArray());
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Term t : losses) {
            String what = t.loss() instanceof DistillLoss d ? d.describe() : ((FeatureLoss) t.loss()).describe();
            parts.add(Check.fmt(t.weight()) + " x (" + what + ")");
        }
        return String.join(" + ", parts);
    }
}
