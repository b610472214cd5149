package org.distill4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pruning schedule, magnitude masks, fake quantization, Huffman coding, bit packing and sparse indices against
 * hand-computed values.
 */
class CompressionMathTest {
    @Test
    void zhuGuptaScheduleByHand() {
        // s_i = 0, s_f = 0.8, t0 = 100, end = 500, Δt = 100: n = 4
        PruningSchedule p = new PruningSchedule(0.0, 0.8, 100, 500, 100);
        assertEquals(0.0, p.sparsityAt(99));
        assertEquals(0.0, p.sparsityAt(100), 1e-12);                        // 0.8 + (0 - 0.8) * 1^3
        assertEquals(0.8 - 0.8 * Math.pow(0.75, 3), p.sparsityAt(200), 1e-12); // 0.4625
        assertEquals(0.4625, p.sparsityAt(299), 1e-12);                      // held between pruning steps
        assertEquals(0.8 - 0.8 * 0.125, p.sparsityAt(300), 1e-12);           // 0.7
        assertEquals(0.8 - 0.8 / 64, p.sparsityAt(400), 1e-12);
        assertEquals(0.8, p.sparsityAt(500));
        assertEquals(0.8, p.sparsityAt(10_000));
        assertTrue(p.isPruningStep(100) && p.isPruningStep(300) && p.isPruningStep(500));
        assertFalse(p.isPruningStep(150) || p.isPruningStep(600) || p.isPruningStep(0));
        // end not on the grid is still a pruning step
        assertTrue(new PruningSchedule(0.1, 0.5, 0, 250, 100).isPruningStep(250));
        assertThrows(IllegalArgumentException.class, () -> new PruningSchedule(0, 1.0, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new PruningSchedule(0.5, 0.2, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new PruningSchedule(0, 0.5, 10, 5, 1));
    }

    @Test
    void magnitudeMaskRemovesExactlyTheSmallest() {
        float[] w = {0.5f, -0.1f, 0.0f, 2.0f, -0.1f, 0.3f, -3.0f, 0.2f};
        // 8 * 0.5 = 4 pruned: 0.0 (idx 2), -0.1 (idx 1), -0.1 (idx 4), 0.2 (idx 7)
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, Magnitude.mask(w, 0.5));
        assertEquals(2, Magnitude.prunedCount(8, 0.3)); // floor(2.4)
        assertEquals(0, Magnitude.prunedCount(8, 0.0));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, Magnitude.mask(w, 0.1)); // floor(0.8) = 0
        assertEquals(0.125, Magnitude.sparsity(w));
        assertThrows(IllegalArgumentException.class, () -> Magnitude.mask(w, 1.0));
    }

    @Test
    void symmetricWeightQuantizationByHand() {
        assertEquals(127, Quantizer.maxSymmetric(8));
        assertEquals(1, Quantizer.maxSymmetric(2));
        assertThrows(IllegalArgumentException.class, () -> Quantizer.maxSymmetric(9));
        assertThrows(IllegalArgumentException.class, () -> Quantizer.maxSymmetric(1));
        // 4 bits: codes -7..7; channel 0 max |w| = 1.4 -> scale 0.2; channel 1 all zero -> scale 1
        float[] w = {1.4f, -0.31f, 0.5f, 0.09f, 0f, 0f, 0f, 0f};
        double[] scales = Quantizer.fakeQuantizeSymmetric(w, 2, 4);
        assertEquals(0.2, scales[0], 1e-7);
        assertEquals(1.0, scales[1]);
        // -0.31/0.2 = -1.55 -> -2 (half away from zero); 0.5/0.2 = 2.5 -> 3; 0.09/0.2 = 0.45 -> 0
        assertArrayEquals(new float[] {1.4f, -0.4f, 0.6f, 0f, 0f, 0f, 0f, 0f}, w, 1e-6f);
    }

    @Test
    void quantizationErrorIsAtMostHalfAStep() {
        Random r = new Random(1);
        for (int bits = 2; bits <= 8; bits++) {
            float[] w = new float[300];
            float[] orig = new float[300];
            for (int i = 0; i < w.length; i++) {
                w[i] = orig[i] = (float) r.nextGaussian();
            }
            double[] s = Quantizer.fakeQuantizeSymmetric(w, 3, bits);
            for (int i = 0; i < w.length; i++) {
                assertTrue(Math.abs(w[i] - orig[i]) <= s[i / 100] / 2 + 1e-6, "bits " + bits + " index " + i);
                double code = w[i] / s[i / 100];
                assertEquals(Math.rint(code), code, 1e-4, "dequantized values sit on the grid");
            }
        }
    }

    @Test
    void asymmetricActivationQuantizationByHand() {
        // range [-1, 3] at 2 bits: scale 4/3, zero point round(0.75) = 1; values -4/3, 0, 4/3, 8/3
        Quantizer.Affine a = Quantizer.Affine.of(-1, 3, 2);
        assertEquals(4.0 / 3, a.scale(), 1e-12);
        assertEquals(1, a.zeroPoint());
        assertEquals(0.0, a.fakeQuantize(0.0), 1e-12, "zero is exactly representable");
        assertEquals(4.0 / 3, a.fakeQuantize(1.0), 1e-12);
        assertEquals(8.0 / 3, a.fakeQuantize(100.0), 1e-12, "clamped above");
        assertEquals(-4.0 / 3, a.fakeQuantize(-100.0), 1e-12, "clamped below");
        assertEquals(1.0, a.steGradient(2.0));
        assertEquals(0.0, a.steGradient(3.0));
        // a range that excludes zero is widened to include it
        Quantizer.Affine pos = Quantizer.Affine.of(2, 10, 8);
        assertEquals(0, pos.zeroPoint());
        assertEquals(10.0 / 255, pos.scale(), 1e-12);
        assertEquals(0.9 * 5 + 0.1 * 7, Quantizer.ema(5, 7, 0.9, false), 1e-12);
        assertEquals(7, Quantizer.ema(5, 7, 0.9, true));
    }

    @Test
    void huffmanTextbookExample() {
        // a:45 b:13 c:12 d:16 e:9 f:5 (Cormen et al., 16.3)
        long[] f = {45, 13, 12, 16, 9, 5};
        int[] len = Huffman.codeLengths(f);
        assertArrayEquals(new int[] {1, 3, 3, 3, 4, 4}, len);
        long[] codes = Huffman.canonicalCodes(len);
        assertArrayEquals(new long[] {0b0, 0b100, 0b101, 0b110, 0b1110, 0b1111}, codes);
        int[] msg = {0, 5, 1, 0, 4, 3, 2, 0};
        Huffman.Encoded e = Huffman.encode(msg, len);
        assertEquals(1 + 4 + 3 + 1 + 4 + 3 + 3 + 1, e.bits());
        // 0 1111 100 0 1110 110 101 0 -> 01111100 01110110 1010(0000)
        assertArrayEquals(new byte[] {(byte) 0b01111100, (byte) 0b01110110, (byte) 0b10100000}, e.data());
        assertArrayEquals(msg, Huffman.decode(e, len, msg.length));
    }

    @Test
    void huffmanRoundTripsAndStaysWithinOneBitOfTheEntropy() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int k = 2 + r.nextInt(60);
            long[] f = new long[k];
            int n = 2000;
            int[] msg = new int[n];
            for (int i = 0; i < n; i++) {
                // a skewed source, like quantized weights
                int s = Math.min(k - 1, (int) Math.abs(r.nextGaussian() * k / 6));
                msg[i] = s;
                f[s]++;
            }
            int[] len = Huffman.codeLengths(f);
            Huffman.Encoded e = Huffman.encode(msg, len);
            assertArrayEquals(msg, Huffman.decode(e, len, n));
            double h = Huffman.entropy(f);
            assertTrue(e.bits() >= h * n - 1e-6, "never below the entropy");
            assertTrue(e.bits() < (h + 1) * n, "within one bit per symbol of the entropy");
        }
        // a single symbol still gets a 1-bit code
        int[] one = Huffman.codeLengths(new long[] {0, 9, 0});
        assertArrayEquals(new int[] {0, 1, 0}, one);
        assertArrayEquals(new int[] {1, 1, 1}, Huffman.decode(Huffman.encode(new int[] {1, 1, 1}, one), one, 3));
        assertThrows(IllegalArgumentException.class, () -> Huffman.encode(new int[] {0}, one));
    }
    @Test
    void bitPackingByHandAndRoundTrip() {
        // 3-bit signed: -4..3; 1 -> 001, -1 -> 111, 3 -> 011, -4 -> 100 => 00111101 1100(0000)
        byte[] b = BitPacking.pack(new int[] {1, -1, 3, -4}, 3, true);
        assertArrayEquals(new byte[] {(byte) 0b00111101, (byte) 0b11000000}, b);
        assertArrayEquals(new int[] {1, -1, 3, -4}, BitPacking.unpack(b, 3, 4, true));
        assertThrows(IllegalArgumentException.class, () -> BitPacking.pack(new int[] {4}, 3, true));
        assertThrows(IllegalArgumentException.class, () -> BitPacking.pack(new int[] {-1}, 3, false));
        assertThrows(IllegalArgumentException.class, () -> BitPacking.unpack(new byte[1], 3, 4, true));
        Random r = new Random(2);
        for (int bits = 1; bits <= 16; bits++) {
            int[] v = new int[97];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(1 << bits);
            }
            byte[] packed = BitPacking.pack(v, bits, false);
            assertEquals((97 * bits + 7) / 8, packed.length, "no padding beyond the last byte");
            assertArrayEquals(v, BitPacking.unpack(packed, bits, 97, false));
        }
    }

    @Test
    void relativeIndicesWithFillerZeros() {
        float[] dense = new float[20];
        dense[1] = 1f;
        dense[2] = 2f;
        dense[12] = 3f;
        dense[19] = 4f;
        // 2-bit gaps (max 3): 1 -> gap 1; 2 -> gap 0; 12 -> gap 9 = filler at 6 (gap 3), filler at 10 (gap 3),
        // then gap 1; 19 -> gap 6 = filler at 16 (gap 3), then gap 2
        SparseIndex.Entries e = SparseIndex.encode(dense, 2);
        assertArrayEquals(new int[] {1, 0, 3, 3, 1, 3, 2}, e.gaps());
        assertArrayEquals(new int[] {1, 2, 6, 10, 12, 16, 19}, e.positions());
        float[] values = new float[e.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = dense[e.positions()[i]];
        }
        assertArrayEquals(dense, SparseIndex.decode(e.gaps(), values, 20));
        assertThrows(IllegalArgumentException.class, () -> SparseIndex.positions(new int[] {19, 0}, 20));
        // property: random sparse tensors round-trip at every index width
        Random r = new Random(5);
        for (int bits = 1; bits <= 8; bits++) {
            float[] d = new float[500];
            for (int i = 0; i < d.length; i++) {
                d[i] = r.nextDouble() < 0.08 ? (float) r.nextGaussian() : 0f;
            }
            SparseIndex.Entries en = SparseIndex.encode(d, bits);
            float[] v = new float[en.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = d[en.positions()[i]];
                assertTrue(en.gaps()[i] < (1 << bits));
            }
            assertArrayEquals(d, SparseIndex.decode(en.gaps(), v, d.length));
        }
    }
}
