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
    public java.util.Map<String, INDArray> activations(INDArray features, java.util.List<String> layers) {
        String out = net.outputName();
        java.util.List<String> names = layers.stream().map(l -> l.equals(LOGITS) ? out : l).distinct().toList();
        java.util.Map<String, INDArray> acts = net.activations(features, names);
        if (layers.contains(LOGITS)) {
            acts.put(LOGITS, acts.get(out));
        }
        return acts;
    }

    @Override
    public java.util.Map<String, long[]> activationShapes(org.distill4j.model.Architectures.InputShape input) {
        return net.activationShapes(input);
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
