package org.distill4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** K-means weight sharing against hand-computed clusters, centroids and updates. */
class WeightSharingTest {
    @Test
    void linearInitialisationSpansTheNonzeroRange() {
        // nonzero range [-1, 2]; 3 bits: 0 and 7 centroids at -1 + 3·j/6
        float[] c = WeightSharing.linearInit(new float[]{0f, -1f, 2f, 0.5f}, 3);
        assertArrayEquals(new float[]{0f, -1f, -0.5f, 0f, 0.5f, 1f, 1.5f, 2f}, c, 1e-6f);
        assertArrayEquals(new float[4], WeightSharing.linearInit(new float[]{0f, 0f}, 2));
    }

    @Test
    void lloydByHand() {
        // 2 bits: {0} and three centroids initialised at -1, 0, 1; clusters {-1, -0.9}, {0.1, 0.2}, {1}; means
        // -0.95, 0.15, 1; the next pass moves nobody, so it stops. Exact zeros keep code 0.
        float[] w = {0f, -1f, -0.9f, 0.1f, 0.2f, 1f, 0f};
        Quantizer.Channels q = WeightSharing.cluster(w, 2);
        assertArrayEquals(new int[]{0, 1, 1, 2, 2, 3, 0}, q.codes());
        assertArrayEquals(new float[]{0f, -0.95f, 0.15f, 1f}, q.codebook(), 1e-6f);
        assertArrayEquals(new float[]{0f, -0.95f, -0.95f, 0.15f, 0.15f, 1f, 0f}, q.values(), 1e-6f);
        assertEquals(2, q.bits());
    }

    @Test
    void nearestTiesGoToTheLowerIndexAndZeroToCodeZero() {
        float[] c = {0f, 0f, 1f};
        assertEquals(1, WeightSharing.nearest(0.5f, c));
        assertEquals(2, WeightSharing.nearest(0.51f, c));
        assertEquals(0, WeightSharing.nearest(0f, c));
        assertEquals(1, WeightSharing.nearest(-3f, c));
    }

    @Test
    void centroidsMoveByTheMeanUpdateOfTheirClusterAndZeroStays() {
        float[] codebook = {0f, -0.95f, 0.15f, 1f};
        int[] codes = {0, 1, 1, 2, 2, 3, 0};
        float[] delta = {0.5f, 0.1f, 0.3f, -0.1f, 0f, 0.2f, 9f};
        // c1 += (0.1 + 0.3) / 2, c2 += (-0.1 + 0) / 2, c3 += 0.2; c0 is the pruned weights' 0
        assertArrayEquals(new float[]{0f, -0.75f, 0.1f, 1.2f}, WeightSharing.update(codebook, codes, delta), 1e-6f);
    }

    @Test
    void aCodebookHasTwoToTheBitsValuesStartingWithZero() {
        assertThrows(IllegalArgumentException.class,
                () -> Quantizer.Channels.shared(new int[]{0}, new float[]{0f, 1f, 2f}, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Quantizer.Channels.shared(new int[]{0}, new float[]{1f, 1f, 2f, 3f}, 2));
    }
}
