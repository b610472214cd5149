package org.distill4j.spi;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a distillation loss needs from a teacher: logits for a batch (inference mode), and, where the teacher can
 * give them, named intermediate activations (for feature-based losses). Distillation losses see the teacher only
 * through this interface. Today every teacher is a DL4J network of the run ({@link NetTeacher}); a teacher that is
 * not one (an ONNX model) will implement it and never be trained, once the teacher slot can hold one.
 */
public interface Teacher {
    /** Logits {@code [batch, classes]} for {@code features} (the student's input layout). */
    INDArray logits(INDArray features);

    /** The name {@link #activations} gives the logits, so that one pass yields them with the layers. */
    String LOGITS = "(logits)";

    /**
     * Activations of the named layers (and of {@link #LOGITS}) for {@code features}, in inference mode, from one
     * forward pass; unsupported by teachers that expose none.
     */
    default Map<String, INDArray> activations(INDArray features, List<String> layers) {
        throw new UnsupportedOperationException(describe() + " exposes no intermediate activations");
    }

    /** The activation shape of each layer {@link #activations} can give, without the batch dimension. */
    default Map<String, long[]> activationShapes(org.distill4j.model.Architectures.InputShape input) {
        throw new UnsupportedOperationException(describe() + " exposes no intermediate activations");
    }

    /** One line for logs: what the teacher is. */
    String describe();
}
