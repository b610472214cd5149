package org.distill4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The distillation math against values worked out by hand. */
class DistillationTest {
    private static INDArray row(double... v) {
        return Nd4j.create(v, new long[]{1, v.length}, DataType.DOUBLE);
    }

    @Test
    void twoClassSoftmaxAtTemperatureTwo() {
        // softmax([0, 2] / 2) = softmax([0, 1]) = [1/(1+e), e/(1+e)]
        double e = Math.E;
        assertArrayEquals(new double[]{1 / (1 + e), e / (1 + e)}, Distillation.softmax(row(0, 2), 2.0).toDoubleVector(),
                1e-12);
        assertArrayEquals(new double[]{0.2689414213699951, 0.7310585786300049},
                Distillation.softmax(row(0, 2), 2.0).toDoubleVector(), 1e-12);
    }

    @Test
    void klOfEqualLogitsIsZero() {
        INDArray t = row(1.5, -2.0, 0.3, 7.0);
        assertEquals(0.0, Distillation.klDivergence(t, t.dup(), 3.0).getDouble(0), 1e-12);
        // logits that differ by a constant give the same distribution
        assertEquals(0.0, Distillation.klDivergence(t, t.add(5.0), 3.0).getDouble(0), 1e-12);
    }

    @Test
    void klByHand() {
        // p = softmax([0, 0]) = [1/2, 1/2]; q = softmax([0, ln 3]) = [1/4, 3/4]
        // KL(p || q) = 1/2 ln(2) + 1/2 ln(2/3)
        double expected = 0.5 * Math.log(2) + 0.5 * Math.log(2.0 / 3.0);
        assertEquals(0.14384103622589045, expected, 1e-15);
        assertEquals(expected, Distillation.klDivergence(row(0, 0), row(0, Math.log(3)), 1.0).getDouble(0), 1e-12);
    }

    @Test
    void crossEntropyByHand() {
        // -log softmax([1, 2, 3])[2] = log(1 + e^-1 + e^-2)
        double expected = Math.log(1 + Math.exp(-1) + Math.exp(-2));
        assertEquals(expected, Distillation.crossEntropy(row(0, 0, 1), row(1, 2, 3)).getDouble(0), 1e-12);
    }

    @Test
    void alphaZeroIsPlainCrossEntropy() {
        INDArray t = row(3, -1, 0.5);
        INDArray y = row(0, 1, 0);
        INDArray s = row(0.2, 0.1, -0.7);
        assertEquals(Distillation.crossEntropy(y, s).getDouble(0), Distillation.loss(t, y, s, 4.0, 0.0).getDouble(0),
                1e-12);
    }

    @Test
    void alphaOneIsTSquaredTimesKl() {
        INDArray t = row(3, -1, 0.5);
        INDArray y = row(0, 1, 0);
        INDArray s = row(0.2, 0.1, -0.7);
        for (double temp : new double[]{1, 2, 4, 8}) {
            double kl = Distillation.klDivergence(t, s, temp).getDouble(0);
            assertEquals(temp * temp * kl, Distillation.loss(t, y, s, temp, 1.0).getDouble(0), 1e-12, "T=" + temp);
        }
    }

    @Test
    void mixedLossByHand() {
        // t = [0, 0], s = [0, ln 3], y = [1, 0], T = 1, alpha = 0.5:
        // 0.5 * 1 * KL([1/2,1/2] || [1/4,3/4]) + 0.5 * (-ln 1/4)
        double expected = 0.5 * (0.5 * Math.log(2) + 0.5 * Math.log(2.0 / 3.0)) + 0.5 * Math.log(4);
        assertEquals(expected, Distillation.loss(row(0, 0), row(1, 0), row(0, Math.log(3)), 1.0, 0.5).getDouble(0),
                1e-12);
    }

    @Test
    void gradientByHand() {
        // alpha = 0: dCE/ds = softmax(s) - y; s = [0, ln 3] -> [1/4, 3/4] - [1, 0] = [-3/4, 3/4]
        assertArrayEquals(new double[]{-0.75, 0.75},
                Distillation.gradient(row(0, 0), row(1, 0), row(0, Math.log(3)), 2.0, 0.0).toDoubleVector(), 1e-12);
        // alpha = 1, T = 2: T * (softmax(s/T) - softmax(t/T)); s/2 = [0, ln 3 / 2] -> q = [1/(1+√3), √3/(1+√3)]
        double q0 = 1 / (1 + Math.sqrt(3));
        assertArrayEquals(new double[]{2 * (q0 - 0.5), 2 * ((1 - q0) - 0.5)},
                Distillation.gradient(row(0, 0), row(1, 0), row(0, Math.log(3)), 2.0, 1.0).toDoubleVector(), 1e-12);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        INDArray t = row(2.0, -1.0, 0.5, 0.0);
        INDArray y = row(0, 0, 1, 0);
        INDArray s = row(0.3, 0.9, -1.2, 0.4);
        double temp = 3.0;
        double alpha = 0.7;
        INDArray g = Distillation.gradient(t, y, s, temp, alpha);
        double h = 1e-6;
        for (int j = 0; j < 4; j++) {
            INDArray plus = s.dup();
            plus.putScalar(0, j, s.getDouble(0, j) + h);
            INDArray minus = s.dup();
            minus.putScalar(0, j, s.getDouble(0, j) - h);
            double fd = (Distillation.loss(t, y, plus, temp, alpha).getDouble(0)
                    - Distillation.loss(t, y, minus, temp, alpha).getDouble(0)) / (2 * h);
            assertEquals(fd, g.getDouble(0, j), 1e-7, "component " + j);
        }
    }

    @Test
    void hugeLogitsStayFinite() {
        INDArray t = row(1000, 0, -1000);
        INDArray s = row(-1000, 0, 1000);
        INDArray y = row(1, 0, 0);
        double l = Distillation.loss(t, y, s, 1.0, 0.5).getDouble(0);
        assertTrue(Double.isFinite(l), "loss " + l);
        // CE part = 2000 (log softmax of the true class is -2000), KL part = 2000 too
        assertEquals(2000.0, l, 1e-6);
        for (double v : Distillation.gradient(t, y, s, 1.0, 0.5).toDoubleVector()) {
            assertTrue(Double.isFinite(v));
        }
    }

    @Test
    void rowsAreIndependent() {
        INDArray t = Nd4j.create(new double[][]{{0, 0}, {1, 2}});
        INDArray s = Nd4j.create(new double[][]{{0, Math.log(3)}, {1, 2}});
        INDArray kl = Distillation.klDivergence(t, s, 1.0);
        assertArrayEquals(new long[]{2, 1}, kl.shape());
        assertEquals(0.14384103622589045, kl.getDouble(0, 0), 1e-12);
        assertEquals(0.0, kl.getDouble(1, 0), 1e-12);
    }

    @Test
    void cosineScheduleByHand() {
        assertEquals(0.1, CosineSchedule.value(0.1, 0.0, 0, 100), 1e-15);
        assertEquals(0.05, CosineSchedule.value(0.1, 0.0, 50, 100), 1e-15);
        assertEquals(0.01, CosineSchedule.value(0.1, 0.01, 100, 100), 1e-15);
        assertEquals(0.01, CosineSchedule.value(0.1, 0.01, 150, 100), 1e-15);
        // a quarter of the way: (1 + cos(pi/4)) / 2
        assertEquals(0.1 * (1 + Math.sqrt(0.5)) / 2, CosineSchedule.value(0.1, 0.0, 25, 100), 1e-15);
    }
    @Test
    void heapKernelAgreesWithTheNd4jFormulas() {
        java.util.Random rnd = new java.util.Random(3);
        int n = 7;
        int k = 5;
        for (double[] ta : new double[][] {{4, 0.9}, {1, 0.0}, {2.5, 1.0}, {8, 0.3}}) {
            double scale = ta[0] == 8 ? 300 : 3; // large logits at T=8 exercise the log-sum-exp
            double[] t = new double[n * k];
            double[] y = new double[n * k];
            double[] s = new double[n * k];
            for (int i = 0; i < n * k; i++) {
                t[i] = scale * rnd.nextGaussian();
                s[i] = scale * rnd.nextGaussian();
            }
            for (int r = 0; r < n; r++) {
                y[r * k + rnd.nextInt(k)] = 1;
            }
            // labels laid out as [t | y] rows, the way DistillationLoss receives them
            double[] ty = new double[n * 2 * k];
            for (int r = 0; r < n; r++) {
                System.arraycopy(t, r * k, ty, r * 2 * k, k);
                System.arraycopy(y, r * k, ty, r * 2 * k + k, k);
            }
            double[] loss = new double[n];
            double[] grad = new double[n * k];
            Distillation.rows(ty, 0, ty, k, 2 * k, s, n, k, ta[0], ta[1], loss, grad);
            INDArray tm = Nd4j.createFromArray(t).reshape(n, k);
            INDArray ym = Nd4j.createFromArray(y).reshape(n, k);
            INDArray sm = Nd4j.createFromArray(s).reshape(n, k);
            double[] refLoss = Distillation.loss(tm, ym, sm, ta[0], ta[1]).reshape(n).toDoubleVector();
            double[] refGrad = Distillation.gradient(tm, ym, sm, ta[0], ta[1]).reshape(n * k).toDoubleVector();
            for (int i = 0; i < n; i++) {
                assertEquals(refLoss[i], loss[i], 1e-9 * Math.max(1, Math.abs(refLoss[i])),
                        "loss row " + i + " at T,alpha=" + ta[0] + "," + ta[1]);
                assertTrue(Double.isFinite(loss[i]));
            }
            assertArrayEquals(refGrad, grad, 1e-9);
        }
    }
}
