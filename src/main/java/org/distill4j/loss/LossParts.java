package org.distill4j.loss;

import java.util.ArrayList;
import java.util.List;
import org.distill4j.config.LossSpec;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A stage's configured loss taken apart for training: the DL4J loss on the student's logits (labels
 * {@code [teacher logits | one-hot]}) and the feature terms trained as branches beside the student, each with its
 * YAML place relative to the stage ({@code loss} or {@code losses[j]}) and its weight.
 */
public record LossParts(ILossFunction logits, List<Feature> features, String describe) {
    /** One feature term: the loss, its weight in the sum, and where it is written in the stage. */
    public record Feature(FeatureLoss loss, double weight, String path) {
    }

    public LossParts {
        features = List.copyOf(features);
    }

    /** Cross-entropy on the one-hot half of the labels (kd with alpha 0). */
    static ILossFunction labelsOnly() {
        return new DistillationLoss(1.0, 0.0);
    }

    /** The parts of a configured loss: a logit loss, a feature loss, or a combination of both kinds. */
    public static LossParts of(LossSpec spec) {
        List<Feature> features = new ArrayList<>();
        if (spec instanceof FeatureLoss f) {
            features.add(new Feature(f, 1.0, "loss"));
            return new LossParts(labelsOnly(), features, "cross-entropy + " + f.describe());
        }
        if (spec instanceof CombinedLoss c) {
            for (int j = 0; j < c.losses().size(); j++) {
                CombinedLoss.Term t = c.losses().get(j);
                if (t.loss() instanceof FeatureLoss f) {
                    features.add(new Feature(f, t.weight(), "losses[" + j + "]"));
                }
            }
            boolean logitTerms = features.size() < c.losses().size();
            return new LossParts(c.create(), features, (logitTerms ? "" : "cross-entropy + ") + c.describe());
        }
        DistillLoss d = (DistillLoss) spec;
        return new LossParts(d.create(), features, d.describe());
    }
}
