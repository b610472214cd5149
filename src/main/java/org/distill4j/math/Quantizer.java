package org.distill4j.math;

import java.util.Arrays;

/**
 * Uniform fake quantization (Jacob et al. 2018, "Quantization and Training of Neural Networks for Efficient
 * Integer-Arithmetic-Only Inference").
 * <ul>
 * <li>Weights: symmetric, narrow range, per output channel: {@code scale = max|w| / (2^(b−1) − 1)},
 * {@code q = clamp(round(w / scale), −(2^(b−1) − 1), 2^(b−1) − 1)}, {@code ŵ = q · scale}.</li>
 * <li>Activations: asymmetric per tensor over a range [lo, hi] widened to contain 0:
 * {@code scale = (hi − lo) / (2^b − 1)}, {@code z = round(−lo / scale)},
 * {@code q = clamp(round(x / scale) + z, 0, 2^b − 1)}, {@code x̂ = (q − z) · scale}.</li>
 * <li>Gradients: straight-through; for activations zero outside the representable range (clipped STE).</li>
 * </ul>
 * Rounding is half away from zero ({@link Math#round} on |x|), the same in training, export and integer evaluation.
 */
public final class Quantizer {
    private Quantizer() {
    }

    public static void checkBits(int bits) {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be 2..8, got " + bits);
        }
    }

    /** Largest symmetric weight code: 2^(b−1) − 1 (127 for 8 bits, 1 for 2 bits). */
    public static int maxSymmetric(int bits) {
        checkBits(bits);
        return (1 << (bits - 1)) - 1;
    }

    static long roundHalfAway(double x) {
        return x >= 0 ? (long) Math.floor(x + 0.5) : -(long) Math.floor(-x + 0.5);
    }

    /** The symmetric scale for a channel whose largest magnitude is {@code maxAbs}; 1 for an all-zero channel. */
    public static double symmetricScale(double maxAbs, int bits) {
        return maxAbs > 0 ? maxAbs / maxSymmetric(bits) : 1.0;
    }

    /** The integer code of {@code w} at {@code scale}. */
    public static int symmetricCode(double w, double scale, int bits) {
        int qmax = maxSymmetric(bits);
        long q = roundHalfAway(w / scale);
        return (int) Math.max(-qmax, Math.min(qmax, q));
    }

    /**
     * Per-channel symmetric fake quantization of a row-major [channels, perChannel] weight block, in place;
     * returns the per-channel scales.
     */
    public static double[] fakeQuantizeSymmetric(float[] w, int channels, int bits) {
        if (channels < 1 || w.length % channels != 0) {
            throw new IllegalArgumentException(w.length + " weights do not split into " + channels + " channels");
        }
        int per = w.length / channels;
        double[] scales = new double[channels];
        for (int c = 0; c < channels; c++) {
            double max = 0;
            for (int i = c * per; i < (c + 1) * per; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            scales[c] = symmetricScale(max, bits);
            for (int i = c * per; i < (c + 1) * per; i++) {
                w[i] = (float) (symmetricCode(w[i], scales[c], bits) * scales[c]);
            }
        }
        return scales;
    }

    /**
     * Integer codes of a row-major [channels, perChannel] weight block and what they stand for: what an exported model
     * stores. Uniform ({@code codebook} null): {@code code · scale[channel]}, float32 scales per channel. Shared
     * ({@link WeightSharing}): {@code codebook[code]}, one codebook of {@code 2^bits} float32 values for the block,
     * entry 0 being 0. {@link #values()} is the dequantized block — the one definition of a quantized weight, used by
     * training, evaluation and the export reader alike.
     */
    public record Channels(int[] codes, float[] scales, int bits, float[] codebook) {
        /** Set in a stored bit-width byte when the codes index a shared codebook. */
        public static final int SHARED_FLAG = 0x80;

        public Channels(int[] codes, float[] scales, int bits) {
            this(codes, scales, bits, null);
        }

        /**
         * Writes these codes as run state and checkpoints keep them: the bit width (with {@link #SHARED_FLAG} for a
         * codebook), the scales or codebook, the codes one byte each.
         */
        public void write(java.io.DataOutputStream out) throws java.io.IOException {
            out.writeByte(isShared() ? SHARED_FLAG | bits : bits);
            float[] values = isShared() ? codebook : scales;
            out.writeInt(values.length);
            for (float s : values) {
                out.writeFloat(s);
            }
            out.writeInt(codes.length);
            for (int code : codes) {
                out.writeByte(code); // codebook indices 0..255 read back unsigned, symmetric codes signed
            }
        }

        /** Reads what {@link #write} wrote. */
        public static Channels read(java.io.DataInputStream in) throws java.io.IOException {
            int bits = in.readUnsignedByte();
            boolean shared = (bits & SHARED_FLAG) != 0;
            bits &= ~SHARED_FLAG;
            float[] values = new float[in.readInt()];
            for (int j = 0; j < values.length; j++) {
                values[j] = in.readFloat();
            }
            int[] codes = new int[in.readInt()];
            for (int j = 0; j < codes.length; j++) {
                codes[j] = shared ? in.readUnsignedByte() : in.readByte();
            }
            return shared ? shared(codes, values, bits) : new Channels(codes, values, bits);
        }

        /** Codes into a shared codebook (k-means weight sharing). */
        public static Channels shared(int[] codes, float[] codebook, int bits) {
            if (codebook.length != 1 << bits || codebook[0] != 0f) {
                throw new IllegalArgumentException("a " + bits + "-bit codebook has " + (1 << bits)
                        + " values, the first 0; got " + Arrays.toString(codebook));
            }
            return new Channels(codes, new float[0], bits, codebook);
        }

        public boolean isShared() {
            return codebook != null;
        }

        public float[] values() {
            float[] out = new float[codes.length];
            if (codebook != null) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = codebook[codes[i]];
                }
                return out;
            }
            int per = codes.length / scales.length;
            for (int i = 0; i < out.length; i++) {
                out[i] = dequantize(codes[i], scales[i / per]);
            }
            return out;
        }
    }

    /** A dequantized weight: {@code code · scale} in float32. */
    public static float dequantize(int code, float scale) {
        return code * scale;
    }

    /** Per-channel symmetric quantization of a row-major [channels, perChannel] block into codes and float32 scales. */
    public static Channels quantizeSymmetric(float[] w, int channels, int bits) {
        if (channels < 1 || w.length % channels != 0) {
            throw new IllegalArgumentException(w.length + " weights do not split into " + channels + " channels");
        }
        int per = w.length / channels;
        int[] codes = new int[w.length];
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            double max = 0;
            for (int i = c * per; i < (c + 1) * per; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            scales[c] = (float) symmetricScale(max, bits);
            for (int i = c * per; i < (c + 1) * per; i++) {
                codes[i] = symmetricCode(w[i], scales[c], bits);
            }
        }
        return new Channels(codes, scales, bits);
    }

    /** Asymmetric activation quantization parameters for a range; the range is widened to contain 0. */
    public record Affine(double scale, int zeroPoint, int bits) {
        public static Affine of(double lo, double hi, int bits) {
            checkBits(bits);
            lo = Math.min(lo, 0.0);
            hi = Math.max(hi, 0.0);
            int levels = (1 << bits) - 1;
            double scale = hi > lo ? (hi - lo) / levels : 1.0;
            int zp = (int) Math.max(0, Math.min(levels, roundHalfAway(-lo / scale)));
            return new Affine(scale, zp, bits);
        }

        public int code(double x) {
            int levels = (1 << bits) - 1;
            long q = roundHalfAway(x / scale) + zeroPoint;
            return (int) Math.max(0, Math.min(levels, q));
        }

        public double value(int code) {
            return (code - zeroPoint) * scale;
        }

        public double fakeQuantize(double x) {
            return value(code(x));
        }

        /**
         * Fake quantization of a float activation as ONNX {@code QuantizeLinear} then {@code DequantizeLinear}
         * compute it (in float32, with the scale as float32): {@code q = clamp(rint(x / s) + z, 0, 2^b − 1)},
         * rounding half to even, and {@code (q − z) · s}; so that a network and its QDQ export give the same values.
         */
        public float fakeQuantize(float x) {
            float s = (float) scale;
            int levels = (1 << bits) - 1;
            double q = Math.max(0, Math.min(levels, Math.rint(x / s) + zeroPoint));
            return (float) (q - zeroPoint) * s;
        }

        /** Clipped straight-through estimator: 1 where x is inside the representable range, else 0. */
        public double steGradient(double x) {
            return x >= value(0) && x <= value((1 << bits) - 1) ? 1.0 : 0.0;
        }
    }

    /**
     * Exponential moving average of a range bound: {@code decay · old + (1 − decay) · observed} (the first
     * observation is taken as is).
     */
    public static double ema(double old, double observed, double decay, boolean first) {
        return first ? observed : decay * old + (1 - decay) * observed;
    }
}
