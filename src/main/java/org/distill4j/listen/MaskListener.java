package org.distill4j.listen;

import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.distill4j.model.Net;
import org.distill4j.model.WeightMasks;

/**
 * Re-applies the current pruning masks after every optimizer step, so an update (Adam's moments keep pushing)
 * never revives a pruned weight. The masks come from a supplier so a schedule can replace them between steps.
 */
public final class MaskListener extends BaseTrainingListener {
    private final Net net;
    private final Supplier<WeightMasks> masks;

    public MaskListener(Net net, Supplier<WeightMasks> masks) {
        this.net = net;
        this.masks = masks;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        WeightMasks m = masks.get();
        if (m != null) {
            m.apply(net);
        }
    }
}
