package org.distill4j.math;

/** Integers packed at a fixed bit width (1..32), most significant bit first; signed values in two's complement. */
public final class BitPacking {
    private BitPacking() {
    }

    public static int packedBytes(long count, int bits) {
        long b = (count * bits + 7) / 8;
        if (b > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many values to pack: " + count);
        }
        return (int) b;
    }

    public static byte[] pack(int[] values, int bits, boolean signed) {
        check(bits);
        long min = signed ? -(1L << (bits - 1)) : 0;
        long max = signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
        byte[] out = new byte[packedBytes(values.length, bits)];
        long pos = 0;
        for (int v : values) {
            if (v < min || v > max) {
                throw new IllegalArgumentException("value " + v + " does not fit in " + bits
                        + (signed ? " signed" : " unsigned") + " bits");
            }
            pos = write(out, pos, v, bits);
        }
        return out;
    }

    /**
     * Writes the low {@code bits} bits of {@code value} at bit {@code pos}, most significant first;
     * returns the next position.
     */
    static long write(byte[] out, long pos, long value, int bits) {
        for (int b = bits - 1; b >= 0; b--) {
            if (((value >>> b) & 1L) != 0) {
                out[(int) (pos >>> 3)] |= (byte) (0x80 >>> (pos & 7));
            }
            pos++;
        }
        return pos;
    }

    /** The bit at position {@code pos} (0 is the most significant bit of the first byte). */
    static int bit(byte[] data, long pos) {
        return (data[(int) (pos >>> 3)] >>> (7 - (pos & 7))) & 1;
    }

    public static int[] unpack(byte[] data, int bits, int count, boolean signed) {
        check(bits);
        if (data.length < packedBytes(count, bits)) {
            throw new IllegalArgumentException(count + " values of " + bits + " bits need " + packedBytes(count, bits)
                    + " bytes, got " + data.length);
        }
        int[] out = new int[count];
        long pos = 0;
        for (int i = 0; i < count; i++) {
            long u = 0;
            for (int b = 0; b < bits; b++) {
                u = (u << 1) | bit(data, pos);
                pos++;
            }
            if (signed && bits < 64 && (u & (1L << (bits - 1))) != 0) {
                u -= 1L << bits;
            }
            out[i] = (int) u;
        }
        return out;
    }

    private static void check(int bits) {
        if (bits < 1 || bits > 32) {
            throw new IllegalArgumentException("bit width must be 1..32, got " + bits);
        }
    }
}
