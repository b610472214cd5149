package org.distill4j.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Per-example masking of per-row scores or gradients. */
final class LossMasks {
    private LossMasks() {
    }

    /** Multiplies each row of {@code values} by the example's mask; {@code mask} null, [n] or [n, 1]. In place. */
    static INDArray apply(INDArray values, INDArray mask) {
        if (mask == null) {
            return values;
        }
        if (mask.length() != values.size(0)) {
            throw new IllegalStateException("only per-example masks are supported: mask "
                    + Arrays.toString(mask.shape()) + " for " + values.size(0) + " examples");
        }
        return values.muliColumnVector(mask.reshape(values.size(0), 1).castTo(values.dataType()));
    }
}
