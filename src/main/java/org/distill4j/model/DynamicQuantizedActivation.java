package org.distill4j.model;

import org.distill4j.math.Quantizer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An activation function followed by dynamic quantization of its output, as ONNX {@code DynamicQuantizeLinear}
 * computes it at run time on each tensor it sees (the whole batch): uint8 over {@code [min(0, min x), max(0, max x)]},
 * {@code scale = (max − min) / 255}, {@code zero point = round(−min / scale)}, then quantize and dequantize, in float32
 * with ties to even ({@link #quantize}). Post-training dynamic quantization puts it where the exported model quantizes
 * a layer's input, so that distill4j evaluates what ONNX Runtime runs. The gradient is the straight-through estimator.
 * <p>Stored in DL4J model JSON by class name: do not move or rename.
 */
public final class DynamicQuantizedActivation extends BaseActivationFunction {
    private IActivation base;

    private DynamicQuantizedActivation() {
        // for JSON
    }

    public DynamicQuantizedActivation(IActivation base) {
        this.base = base;
    }

    public IActivation base() {
        return base;
    }

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray y = base.getActivation(in, training);
        float[] a = y.dup('c').data().asFloat();
        quantize(a);
        y.assign(Nd4j.create(a, y.shape(), 'c').castTo(y.dataType()));
        return y;
    }

    /** {@code DynamicQuantizeLinear} followed by {@code DequantizeLinear}, in place, over all of {@code a}. */
    static void quantize(float[] a) {
        float lo = 0f;
        float hi = 0f;
        for (float v : a) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float scale = (hi - lo) / 255f;
        if (scale == 0f) {
            return;
        }
        int zp = (int) Math.max(0, Math.min(255, Math.rint(0f - lo / scale)));
        Quantizer.Affine q = new Quantizer.Affine(scale, zp, 8);
        for (int i = 0; i < a.length; i++) {
            a[i] = q.fakeQuantize(a[i]);
        }
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        return base.backprop(in, epsilon);
    }

    @Override
    public String toString() {
        return "dynamic-quantized(" + base + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DynamicQuantizedActivation q && q.base.equals(base);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(base, "dynamic");
    }
}
