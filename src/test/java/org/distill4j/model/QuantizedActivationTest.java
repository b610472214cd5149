package org.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Fake-quantized activations: EMA range tracking, freezing, quantized forward values and the clipped STE, by hand. */
class QuantizedActivationTest {
    static float[] f(INDArray a) {
        return a.dup().data().asFloat();
    }

    @Test
    void tracksRangeByEmaThenFreezes() {
        QuantizedActivation a = new QuantizedActivation(new ActivationReLU(), 8, 0.5, 2);
        assertNull(a.range());
        // first observation taken as is: ReLU output range [0, 2.55] -> scale 0.01, zero point 0
        float[] y = f(a.getActivation(Nd4j.createFromArray(-1f, 0f, 1.004f, 2.55f), true));
        assertArrayEquals(new double[] {0, 2.55}, a.range(), 1e-7);
        assertArrayEquals(new float[] {0f, 0f, 1.0f, 2.55f}, y, 1e-6f);
        // second: hi = 0.5 * 2.55 + 0.5 * 5.1 = 3.825; then frozen
        a.getActivation(Nd4j.createFromArray(0f, 5.1f), true);
        assertArrayEquals(new double[] {0, 3.825}, a.range(), 1e-6);
        assertTrue(a.frozen());
        a.getActivation(Nd4j.createFromArray(0f, 100f), true);
        assertArrayEquals(new double[] {0, 3.825}, a.range(), 1e-6);
        // scale 3.825 / 255 = 0.015: 10 clamps to 3.825, 0.0224 rounds to 0.015, 0.0226 to 0.03
        assertArrayEquals(new float[] {3.825f, 0.015f, 0.03f},
                f(a.getActivation(Nd4j.createFromArray(10f, 0.0224f, 0.0226f), false)), 1e-6f);
    }

    @Test
    void inferenceDoesNotMoveTheRange() {
        QuantizedActivation a = new QuantizedActivation(new ActivationReLU(), 4, 0.9, 100);
        a.getActivation(Nd4j.createFromArray(0f, 1.5f), true);
        a.getActivation(Nd4j.createFromArray(0f, 30f), false);
        assertArrayEquals(new double[] {0, 1.5}, a.range(), 0);
        assertEquals(1, a.observations());
        assertFalse(a.frozen());
        // 4 bits over [0, 1.5]: scale 0.1, so 0.74 -> 0.7 and 0.76 -> 0.8
        assertArrayEquals(new float[] {0.7f, 0.8f}, f(a.getActivation(Nd4j.createFromArray(0.74f, 0.76f), false)),
                1e-6f);
    }

    @Test
    void clippedStraightThroughGradient() {
        QuantizedActivation a = new QuantizedActivation(new ActivationReLU(), 8, 0.5, 1);
        a.getActivation(Nd4j.createFromArray(0f, 2f), true); // range [0, 2], frozen
        INDArray in = Nd4j.createFromArray(-1f, 0.5f, 1.9f, 3f);
        INDArray eps = Nd4j.createFromArray(1f, 2f, 3f, 4f);
        // ReLU' = [0, 1, 1, 1]; inside [0, 2]: [yes (relu(-1) = 0), yes, yes, no]
        assertArrayEquals(new float[] {0f, 2f, 3f, 0f}, f(a.backprop(in, eps).getFirst()), 0f);
    }

    @Test
    void passesThroughBeforeTheFirstObservation() {
        QuantizedActivation a = new QuantizedActivation(new ActivationReLU(), 2, 0.5, 5);
        assertArrayEquals(new float[] {0f, 0.123f}, f(a.getActivation(Nd4j.createFromArray(-3f, 0.123f), false)), 0f);
        assertArrayEquals(new float[] {0f, 7f},
                f(a.backprop(Nd4j.createFromArray(-3f, 0.123f), Nd4j.createFromArray(5f, 7f)).getFirst()), 0f);
    }
}
