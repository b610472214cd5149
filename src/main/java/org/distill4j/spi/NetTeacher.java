package org.distill4j.spi;

import org.distill4j.model.Net;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A teacher that is a DL4J network of this run (trained by a stage or loaded); equal teachers wrap the same network.
 */
public record NetTeacher(Net net) implements Teacher {
    @Override
    public INDArray logits(INDArray features) {
        return net.output(features);
    }

    @Override
    public String describe() {
        return "DL4J network";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetTeacher t && t.net == net;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(net);
    }
}
