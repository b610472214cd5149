package org.distill4j.spi;

import java.util.Map;
import org.distill4j.math.Quantizer;
import org.distill4j.model.Net;
import org.distill4j.model.WeightMasks;

/**
 * The model handed from stage to stage in one slot, as one immutable value: the network, the pruning masks it holds
 * (null: none), the integer codes and scales of its quantized weights by parameter key (empty: not quantized), and
 * the stage that produced it (null: built or loaded before the run). A stage that changes the network hands on a new
 * value built from the old one, so what it does not touch (masks through quantization) travels with it and nothing
 * depends on the order of calls.
 */
public record ModelState(Net net, WeightMasks masks, Map<String, Quantizer.Channels> quantized, String producedBy) {
    public ModelState {
        if (net == null) {
            throw new IllegalArgumentException("net is null");
        }
        quantized = quantized == null ? Map.of() : Map.copyOf(quantized);
    }

    /** A network built or loaded before the run: no masks, not quantized, produced by no stage. */
    public static ModelState initial(Net net) {
        return new ModelState(net, null, Map.of(), null);
    }

    /** A new network trained or rebuilt by {@code stage}: dense, float. */
    public static ModelState of(Net net, String stage) {
        return new ModelState(net, null, Map.of(), stage);
    }

    public ModelState withMasks(WeightMasks m) {
        return new ModelState(net, m, quantized, producedBy);
    }

    public ModelState withQuantized(Map<String, Quantizer.Channels> q) {
        return new ModelState(net, masks, q, producedBy);
    }
}
