package org.distill4j.loss;

import java.util.Arrays;
import org.distill4j.config.LossSpec;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A configured loss between intermediate activations: a layer of the student ({@code student_layer}) against a layer
 * of the teacher ({@code teacher_layer}). The distill stage trains it as a branch beside the student — the student's
 * layer, an optional regressor, and a loss layer holding {@link #branch}'s loss, whose labels are
 * {@link #target}(the teacher's activation) — and hands on the student without it. The logits meanwhile take the
 * stage's logit losses, or cross-entropy on the labels when it has none. Shapes are a layer's activation without the
 * batch: {@code [channels, height, width]} or {@code [features]}.
 */
public interface FeatureLoss extends LossSpec {
    /** The student's layer, as the model summary names it. */
    String studentLayer();

    /** The teacher's layer, as the model summary names it. */
    String teacherLayer();

    @Override
    default boolean featureBased() {
        return true;
    }

    /**
     * What the branch is for these two layers' shapes; an {@link IllegalArgumentException} whose message says why
     * they do not go together.
     *
     * @param weight the term's weight in the stage's sum of losses
     */
    Branch branch(long[] student, long[] teacher, double weight);

    /** The branch's labels for a batch, from the teacher layer's activation ({@code [n, ...]}, inference mode). */
    INDArray target(INDArray teacherActivation);

    /** Its settings in words, for logs and stage reports. */
    String describe();

    /**
     * A branch: a regressor to {@code regressorOut} channels or features (a 1x1 convolution for feature maps, a dense
     * layer otherwise; 0: none), then a loss layer with {@code loss} on the flattened result.
     */
    record Branch(int regressorOut, ILossFunction loss) {
    }

    /** {@code [16, 14, 14]} as {@code 16x14x14}. */
    static String shape(long[] s) {
        return String.join("x", Arrays.stream(s).mapToObj(Long::toString).toList());
    }
}
