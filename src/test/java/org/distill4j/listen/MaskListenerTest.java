package org.distill4j.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distill4j.config.Activation;
import org.distill4j.model.MlpSpec;
import org.distill4j.loss.SoftmaxCrossEntropyLoss;
import org.distill4j.model.Architectures;
import org.distill4j.model.Net;
import org.distill4j.model.WeightMasks;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Pruned weights stay exactly zero through optimizer steps when the masks are re-applied, and only then. */
class MaskListenerTest {
    private static Net mlp() {
        Net n = Architectures.build(new MlpSpec(List.of(16), Activation.RELU, 0.0), "a",
                new Architectures.InputShape(1, 4, 4), 3, 11);
        return n.forTraining(new SoftmaxCrossEntropyLoss(), new Adam(1e-2), List.of());
    }

    private static DataSet batch(int seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(32, 16);
        INDArray y = Nd4j.zeros(32, 3);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        return new DataSet(x, y);
    }

    private static long zeros(INDArray a) {
        return a.length() - a.neq(0.0).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().longValue();
    }

    @Test
    void masksHoldThroughTrainingAndOnlyWithTheListener() {
        Net net = mlp();
        List<String> keys = WeightMasks.weightKeys(net);
        assertEquals(List.of("0_W", "1_W"), keys);
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("0_W", 0.75);
        s.put("1_W", 0.5);
        WeightMasks masks = WeightMasks.perLayer(net, s);
        masks.apply(net);
        INDArray w0Before = net.model().paramTable().get("0_W").dup();
        assertEquals(192, zeros(w0Before)); // floor(0.75 * 16 * 16)
        assertEquals(24, zeros(net.model().paramTable().get("1_W"))); // floor(0.5 * 16 * 3)

        net.model().addListeners(new MaskListener(net, () -> masks));
        for (int i = 0; i < 10; i++) {
            net.fit(batch(i));
        }
        INDArray w0 = net.model().paramTable().get("0_W");
        INDArray m0 = masks.mask("0_W");
        assertEquals(0.0, w0.mul(m0.rsub(1.0)).amaxNumber().doubleValue(), "pruned weights are exactly zero");
        assertNotEquals(w0Before, w0, "the kept weights trained");

        // the same training without re-applying the masks revives pruned weights
        Net plain = mlp();
        WeightMasks pm = WeightMasks.perLayer(plain, s);
        pm.apply(plain);
        for (int i = 0; i < 10; i++) {
            plain.fit(batch(i));
        }
        assertTrue(zeros(plain.model().paramTable().get("0_W")) < 192,
                "Adam moves pruned weights when nothing holds them");
    }

    @Test
    void globalThresholdPrunesTheRequestedShareOverall() {
        Net net = mlp();
        List<String> keys = WeightMasks.weightKeys(net);
        WeightMasks m = WeightMasks.global(net, keys, 0.6);
        m.apply(net);
        long z = zeros(net.model().paramTable().get("0_W")) + zeros(net.model().paramTable().get("1_W"));
        assertEquals((long) Math.floor(0.6 * (256 + 48)), z);
        assertThrows(IllegalArgumentException.class, () -> WeightMasks.global(net, List.of("9_W"), 0.5));
    }
}
