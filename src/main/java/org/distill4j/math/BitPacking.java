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
                throw new IllegalArgumentException("value " + v + " does not fit in " + bits + (signed ? " signed" : " unsigned") + " bits");
            }
            long u = v & ((1L << bits) - 1);
            for (int b = bits - 1; b >= 0; b--) {
                if (((u >>> b) & 1L) != 0) {
                    out[(int) (pos >>> 3)] |= (byte) (0x80 >>> (pos & 7));
                }
                pos++;
            }
        }
        return out;
    }

    public static int[] unpack(byte[] data, int bits, int count, boolean signed) {
        check(bits);
        if (data.length < packedBytes(count, bits)) {
            throw new IllegalArgumentException(count + " values of " + bits + " bits need " + packedBytes(count, bits) + " bytes, got " + data.length);
        }
        int[] out = new int[count];
        long pos = 0;
        for (int i = 0; i < count; i++) {
            long u = 0;
            for (int b = 0; b < bits; b++) {
                u = (u << 1) | ((data[(int) (pos >>> 3)] >>> (7 - (pos & 7))) & 1);
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
