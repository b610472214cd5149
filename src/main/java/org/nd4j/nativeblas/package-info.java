/**
 * A compatibility shim for DL4J 1.0.0-M2.1, not part of distill4j's API; it lives under ND4J's package name only
 * because that is the name DL4J looks up.
 *
 * <p><b>Why.</b> Before DL4J keeps a oneDNN helper on a convolution, pooling, BatchNorm or LRN layer, it asks
 * {@code BaseMKLDNNHelper.mklDnnEnabled()}, which loads {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by name and
 * calls {@code getInstance().isUseMKLDNN()}. nd4j-native M2.1 no longer has that class: its binding is
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}, with {@code isUseONEDNN()}. {@link Nd4jCpu}
 * answers the old lookup by delegating to the real binding.
 *
 * <p><b>Without it</b> nothing fails loudly: DL4J catches the failed lookup, answers false from then on, and drops
 * every such helper as unsupported, so those layers run DL4J's own, slower implementations (with the BatchNorm
 * helper alone off, ResNet-8 inference fell from 2,669 to 350 samples/s: {@code docs/performance.md}).
 * {@code OneDnn.enabled()} and the provenance's {@code backend.onednn_helpers} turn false, a model with conv layers
 * gets {@code onednn_helper: none} in {@code summary.json}, and {@code ArchitecturesTest.oneDnnHelpersAreOn} fails.
 *
 * <p><b>Turning the helpers off</b> is a switch, not a matter of removing the shim: {@code -Ddistill4j.onednn=false}
 * (for {@code ./distill}, in {@code DISTILL4J_JAVA_OPTS}) makes {@code OneDnn.configure()} disable DL4J's helper
 * creation and ND4J's helpers. The other half of turning them on, DL4J's
 * {@code org.eclipse.deeplearning4j.helpers.disable} property, is set there too.
 *
 * <p><b>When to delete it:</b> once distill4j moves to a DL4J release that looks up the class nd4j-native actually
 * ships. Delete this package and run {@code ArchitecturesTest}; if {@code oneDnnHelpersAreOn} still passes, the shim
 * is no longer needed. Delete it too if nd4j-native ever ships {@code org.nd4j.nativeblas.Nd4jCpu} again, as two
 * classes of that name on one classpath would shadow each other.
 */
package org.nd4j.nativeblas;
