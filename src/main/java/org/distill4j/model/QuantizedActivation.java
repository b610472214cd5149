package org.distill4j.model;

import org.distill4j.math.Quantizer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An activation function followed by asymmetric per-tensor fake quantization of its output (Jacob et al. 2018): {@code
 * y = (clamp(round(f(x)/scale) + z, 0, 2^b − 1) − z) · scale}, in float32 with ties to even as ONNX {@code
 * QuantizeLinear}/{@code DequantizeLinear} compute it ({@link Quantizer.Affine#fakeQuantize(float)}), over a range
 * [lo, hi] tracked by an exponential moving average of each training batch's min and max, and frozen after {@code
 * freezeAfter} training batches. Before the first observation the output passes unquantized. The gradient is the
 * clipped straight-through estimator: {@code f'(x)} where {@code f(x)} lies inside the representable range, else 0.
 * <p>The range is part of the layer configuration, so it is saved and restored with the model (and exported). Stored in
 * DL4J model JSON by class name: do not move or rename.
 */
public final class QuantizedActivation extends BaseActivationFunction {
    private IActivation base;
    private int bits;
    private double decay;
    private long freezeAfter;
    private long observations;
    private double lo;
    private double hi;

    private QuantizedActivation() {
        // for JSON
    }

    public QuantizedActivation(IActivation base, int bits, double decay, long freezeAfter) {
        Quantizer.checkBits(bits);
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("decay must be in [0, 1), got " + decay);
        }
        this.base = base;
        this.bits = bits;
        this.decay = decay;
        this.freezeAfter = freezeAfter;
    }

    /**
     * Fake quantization over a fixed range [lo, hi] (from post-training calibration): frozen from the start, it never
     * updates the range.
     */
    public static QuantizedActivation fixed(IActivation base, int bits, double lo, double hi) {
        QuantizedActivation q = new QuantizedActivation(base, bits, 0.0, 0);
        q.lo = lo;
        q.hi = hi;
        q.observations = 1;
        return q;
    }

    public IActivation base() {
        return base;
    }

    public int bits() {
        return bits;
    }

    public boolean frozen() {
        return observations >= freezeAfter;
    }

    public long observations() {
        return observations;
    }

    /** The tracked range, or null before the first observation. */
    public double[] range() {
        return observations == 0 ? null : new double[] {lo, hi};
    }

    /** The quantization parameters in force, or null before the first observation. */
    public Quantizer.Affine affine() {
        return observations == 0 ? null : Quantizer.Affine.of(lo, hi, bits);
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray y = base.getActivation(in, training);
        if (training && observations < freezeAfter) {
            double bmin = y.minNumber().doubleValue();
            double bmax = y.maxNumber().doubleValue();
            boolean first = observations == 0;
            lo = Quantizer.ema(lo, bmin, decay, first);
            hi = Quantizer.ema(hi, bmax, decay, first);
            observations++;
        }
        Quantizer.Affine q = affine();
        if (q == null) {
            return y;
        }
        float[] a = y.dup('c').data().asFloat();
        for (int i = 0; i < a.length; i++) {
            a[i] = q.fakeQuantize(a[i]); // float32, as the ONNX export's QuantizeLinear and DequantizeLinear
        }
        y.assign(Nd4j.create(a, y.shape(), 'c').castTo(y.dataType()));
        return y;
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        Quantizer.Affine q = affine();
        if (q == null) {
            return base.backprop(in, epsilon);
        }
        INDArray y = base.getActivation(in.dup(), false);
        float[] a = y.dup('c').data().asFloat();
        float[] pass = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            pass[i] = (float) q.steGradient(a[i]);
        }
        INDArray clipped = epsilon.mul(Nd4j.create(pass, epsilon.shape(), 'c').castTo(epsilon.dataType()));
        return base.backprop(in, clipped);
    }

    @Override
    public String toString() {
        return "quantized(" + base + ", " + bits + " bits"
                + (observations == 0 ? "" : String.format(", [%.4g, %.4g]", lo, hi))
                + (frozen() ? ", frozen" : "") + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedActivation q && q.bits == bits && q.decay == decay && q.freezeAfter == freezeAfter
                && q.observations == observations && q.lo == lo && q.hi == hi && q.base.equals(base);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(base, bits, decay, freezeAfter, observations, lo, hi);
    }
}
