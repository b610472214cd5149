package org.distill4j.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Whether DL4J's oneDNN (MKL-DNN) layer helpers are in use. DL4J 1.0.0-M2.1 looks the native environment
 * up under an old class name and silently runs conv and BatchNorm without oneDNN; distill4j ships that
 * class ({@code org.nd4j.nativeblas.Nd4jCpu}, delegating to the real binding), which turns them back on.
 * {@code -Ddistill4j.onednn=false} turns them off for comparison.
 */
public final class OneDnn {
    private OneDnn() {
    }

    /** Applies {@code -Ddistill4j.onednn}; call before the first network is built. */
    public static void configure() {
        if ("false".equalsIgnoreCase(System.getProperty("distill4j.onednn"))) {
            org.nd4j.linalg.factory.Nd4j.getEnvironment().allowHelpers(false);
        }
    }

    /** What DL4J itself decides: true when its oneDNN helpers are enabled on this backend. */
    public static boolean enabled() {
        return org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled();
    }

    /** The helper class actually attached to the first conv or BatchNorm layer of {@code net}, or "none". */
    public static String helperOf(Net net) {
        Layer[] layers = net.model() instanceof MultiLayerNetwork m ? m.getLayers() : ((ComputationGraph) net.model()).getLayers();
        for (Layer l : layers) {
            Object h = null;
            if (l instanceof ConvolutionLayer c) {
                h = c.getHelper();
            } else if (l instanceof BatchNormalization b) {
                h = b.getHelper();
            }
            if (h != null) {
                return h.getClass().getSimpleName();
            }
            if (l instanceof ConvolutionLayer || l instanceof BatchNormalization) {
                return "none";
            }
        }
        return "n/a (no conv or BatchNorm layer)";
    }
}
