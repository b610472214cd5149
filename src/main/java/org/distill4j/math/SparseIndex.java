package org.distill4j.math;

import java.util.ArrayList;
import java.util.List;

/**
 * Relative indexing of the non-zero entries of a flat tensor (Deep Compression, Han et al. 2016, section 3):
 * each kept entry stores the number of zeros skipped since the previous one in {@code indexBits} bits. A run of
 * zeros longer than the largest storable gap is bridged by filler entries whose value is zero.
 */
public final class SparseIndex {
    private SparseIndex() {
    }

    /** Gaps (zeros skipped before each entry) and the dense positions the entries stand for. */
    public record Entries(int[] gaps, int[] positions) {
        public int size() {
            return gaps.length;
        }
    }

    /**
     * The entries for the non-zero positions of {@code dense}; filler entries (positions whose value is zero)
     * appear where a gap would exceed {@code 2^indexBits − 1}.
     */
    public static Entries encode(float[] dense, int indexBits) {
        if (indexBits < 1 || indexBits > 16) {
            throw new IllegalArgumentException("index bits must be 1..16, got " + indexBits);
        }
        int maxGap = (1 << indexBits) - 1;
        List<int[]> out = new ArrayList<>();
        int prev = -1;
        for (int p = 0; p < dense.length; p++) {
            if (dense[p] == 0f) {
                continue;
            }
            int gap = p - prev - 1;
            while (gap > maxGap) {
                prev += maxGap + 1;
                out.add(new int[] {maxGap, prev});
                gap = p - prev - 1;
            }
            out.add(new int[] {gap, p});
            prev = p;
        }
        int[] gaps = new int[out.size()];
        int[] pos = new int[out.size()];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = out.get(i)[0];
            pos[i] = out.get(i)[1];
        }
        return new Entries(gaps, pos);
    }

    /** Dense positions from gaps; throws if they run past {@code length}. */
    public static int[] positions(int[] gaps, int length) {
        int[] pos = new int[gaps.length];
        int prev = -1;
        for (int i = 0; i < gaps.length; i++) {
            if (gaps[i] < 0) {
                throw new IllegalArgumentException("negative gap at entry " + i);
            }
            prev += gaps[i] + 1;
            if (prev >= length) {
                throw new IllegalArgumentException("entry " + i + " lands at " + prev + ", past the tensor's "
                        + length + " values");
            }
            pos[i] = prev;
        }
        return pos;
    }

    /** Rebuilds the dense tensor from gaps and the entries' values. */
    public static float[] decode(int[] gaps, float[] values, int length) {
        if (gaps.length != values.length) {
            throw new IllegalArgumentException(gaps.length + " gaps for " + values.length + " values");
        }
        float[] dense = new float[length];
        int[] pos = positions(gaps, length);
        for (int i = 0; i < pos.length; i++) {
            dense[pos[i]] = values[i];
        }
        return dense;
    }
}
