package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.distill4j.config.AugmentConfig;
import org.distill4j.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Mixup and CutMix: the images, the box, the labels, and the same draw on the same stream. */
class MixingTest {
    @Test
    void mixupBlendsEachImageWithItsPartner() {
        // two 1x1x2 images [10, 20] and [30, 50]; partners swap; keep 0.25
        float[] buf = {10, 20, 30, 50};
        new Mixing(new int[]{1, 0}, 0.25, 0, 0, 0, 0).mixImages(buf, 2, 1, 1, 2);
        // 0.25*10 + 0.75*30 = 25, 0.25*20 + 0.75*50 = 42.5; 0.25*30 + 0.75*10 = 15, 0.25*50 + 0.75*20 = 27.5
        assertArrayEquals(new float[]{25f, 42.5f, 15f, 27.5f}, buf, 1e-6f);
    }

    @Test
    void cutmixPastesThePartnersBoxInEveryChannel() {
        // two 2-channel 3x3 images: image 0 all 1s, image 1 all 2s (channel 1: 3s and 4s); box rows [1,3) cols [0,2)
        float[] buf = new float[2 * 18];
        for (int j = 0; j < 9; j++) {
            buf[j] = 1;
            buf[9 + j] = 3;
            buf[18 + j] = 2;
            buf[27 + j] = 4;
        }
        new Mixing(new int[]{1, 0}, 1 - 4 / 9.0, 1, 3, 0, 2).mixImages(buf, 2, 2, 3, 3);
        float[] img0c0 = {1, 1, 1, 2, 2, 1, 2, 2, 1};
        float[] img0c1 = {3, 3, 3, 4, 4, 3, 4, 4, 3};
        float[] img1c0 = {2, 2, 2, 1, 1, 2, 1, 1, 2};
        assertArrayEquals(img0c0, java.util.Arrays.copyOfRange(buf, 0, 9));
        assertArrayEquals(img0c1, java.util.Arrays.copyOfRange(buf, 9, 18));
        assertArrayEquals(img1c0, java.util.Arrays.copyOfRange(buf, 18, 27));
    }

    @Test
    void cutmixBoxHasTheAreaOfOneMinusLambdaAndIsClipped() {
        // lam 0.75 on 28x28: sides 28*sqrt(0.25) = 14; centre (14, 14) -> rows and cols [7, 21)
        assertArrayEquals(new int[]{7, 21, 7, 21}, Mixing.box(28, 28, 0.75, 0.5, 0.5));
        // centre (0, 27): rows [-7, 7) -> [0, 7), cols [20, 34) -> [20, 28)
        assertArrayEquals(new int[]{0, 7, 20, 28}, Mixing.box(28, 28, 0.75, 0.0, 27.5 / 28));
    }

    @Test
    void labelsMixWithTheSameWeights() {
        INDArray y = Nd4j.createFromArray(new float[][]{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        INDArray m = new Mixing(new int[]{2, 0, 1}, 0.7, 0, 0, 0, 0).mixRows(y);
        assertArrayEquals(new double[]{0.7, 0, 0.3}, m.getRow(0).toDoubleVector(), 1e-6);
        assertArrayEquals(new double[]{0.3, 0.7, 0}, m.getRow(1).toDoubleVector(), 1e-6);
        assertArrayEquals(new double[]{0, 0.3, 0.7}, m.getRow(2).toDoubleVector(), 1e-6);
        assertSame(y, Mixing.NONE.mixRows(y));
    }

    @Test
    void drawsRepeatFromTheStreamAndCutmixKeepIsTheUnpastedShare() {
        AugmentConfig both = new AugmentConfig(false, 0, 0.2, 1.0);
        boolean sawCut = false;
        boolean sawMix = false;
        Random a = new Random(3);
        Random b = new Random(3);
        for (int i = 0; i < 40; i++) {
            Mixing m = Mixing.draw(both, 8, 28, 28, a);
            Mixing again = Mixing.draw(both, 8, 28, 28, b);
            assertArrayEquals(m.partner(), again.partner());
            assertEquals(m.keep(), again.keep());
            assertTrue(m.keep() >= 0 && m.keep() <= 1);
            int[] sorted = m.partner().clone();
            java.util.Arrays.sort(sorted);
            assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7}, sorted);
            if (m.cut()) {
                sawCut = true;
                assertEquals(1 - (m.y1() - m.y0()) * (m.x1() - m.x0()) / 784.0, m.keep(), 1e-12);
            } else {
                sawMix = true;
            }
        }
        assertTrue(sawCut && sawMix, "with both on, each batch picks one of them");
        assertSame(Mixing.NONE, Mixing.draw(new AugmentConfig(true, 2), 8, 28, 28, new Random(1)));
    }

    @Test
    void aTrainingBatchMixesImagesAndTheLabelsFollow() {
        Batches b = new Batches(DataTest.tiny(6), new AugmentConfig(false, 0, 1.0, 0));
        assertTrue(!b.deterministic());
        int[] order = {0, 1, 2, 3, 4, 5};
        Batches.Batch batch = b.trainingBatch(order, 0, 6, new Random(4));
        Mixing m = batch.mixing();
        assertNotEquals(Mixing.NONE, m);
        INDArray plain = b.features(order, 0, 6, null);
        INDArray expected = plain.mul(m.keep()).addi(Nd4j.pullRows(plain, 1, m.partner()).muli(1 - m.keep()));
        assertTrue(expected.equalsWithEps(batch.features(), 1e-5));
        INDArray y = m.mixRows(b.oneHot(order, 0, 6));
        assertArrayEquals(new double[]{1, 1, 1, 1, 1, 1}, y.sum(1).toDoubleVector(), 1e-6);
    }

    @Test
    void concentrationsOutsideTheirRangeAreConfigErrors() {
        assertEquals("mixup: must be in [0, 10], got -1",
                org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                        () -> new AugmentConfig(false, 0, -1, 0)).getMessage());
    }
}
