package org.distill4j.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * DL4J's oneDNN (MKL-DNN) layer helpers for conv, pooling and BatchNorm. DL4J 1.0.0-M2.1 keeps them off in
 * two ways, both silent: {@code HelperUtils.createHelper} returns no helper unless the system property
 * {@code org.eclipse.deeplearning4j.helpers.disable} is {@code false} (its default is {@code true}), and
 * {@code BaseMKLDNNHelper.mklDnnEnabled()} looks the native environment up under a class name nd4j-native
 * M2.1 no longer has (distill4j answers it with a shim: {@link org.nd4j.nativeblas}).
 * {@link #configure()} turns them on unless {@code -Ddistill4j.onednn=false}; it runs before every network
 * is built or loaded.
 */
public final class OneDnn {
    static final String DL4J_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private OneDnn() {
    }

    /** Whether the user asked for the helpers ({@code -Ddistill4j.onednn}, default true). */
    public static boolean requested() {
        return !"false".equalsIgnoreCase(System.getProperty("distill4j.onednn"));
    }

    /** Sets DL4J's switches to match {@link #requested()}; idempotent, cheap. */
    public static void configure() {
        if (requested()) {
            System.setProperty(DL4J_DISABLE_PROPERTY, "false");
        } else {
            System.setProperty(DL4J_DISABLE_PROPERTY, "true");
            org.nd4j.linalg.factory.Nd4j.getEnvironment().allowHelpers(false);
        }
    }

    /**
     * True when layers built from now on get oneDNN helpers: helper creation allowed and DL4J's backend check passes.
     */
    public static boolean enabled() {
        return !Boolean.parseBoolean(System.getProperty(DL4J_DISABLE_PROPERTY, "true"))
                && org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled();
    }

    /** The helper class actually attached to the first conv or BatchNorm layer of {@code net}, or "none". */
    public static String helperOf(Net net) {
        Layer[] layers = net.model() instanceof MultiLayerNetwork m ? m.getLayers()
                : ((ComputationGraph) net.model()).getLayers();
        for (Layer l : layers) {
            if (l instanceof ConvolutionLayer c) {
                return c.getHelper() == null ? "none" : c.getHelper().getClass().getSimpleName();
            }
            if (l instanceof BatchNormalization b) {
                return b.getHelper() == null ? "none" : b.getHelper().getClass().getSimpleName();
            }
        }
        return "n/a (no conv or BatchNorm layer)";
    }
}
