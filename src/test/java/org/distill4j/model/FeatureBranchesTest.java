package org.distill4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.distill4j.loss.AttentionLoss;
import org.distill4j.loss.DistillationLoss;
import org.distill4j.loss.FeatureLoss;
import org.distill4j.loss.HintLoss;
import org.distill4j.DoublePrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The training graph of feature distillation: the student with hint and attention branches computes the student's
 * logits, passes DL4J's gradient check as a whole (double precision: regressor, flattening, both feature losses and
 * the kd loss together), flattens the student's feature maps in the order the teacher's targets use (identical
 * networks score zero), and gives back a student of its own shape and size.
 */
@ExtendWith(DoublePrecision.class)
class FeatureBranchesTest {
    private static final Architectures.InputShape INPUT = new Architectures.InputShape(1, 6, 6);

    /** conv (c channels, 6x6, tanh) -> dense 5 (tanh) -> output 4, in double precision. */
    static Net convNet(int channels, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(channels)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().name("dense").nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(new DistillationLoss(2, 0.7)).name("out").nOut(4)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1))
                .build();
        MultiLayerNetwork m = new MultiLayerNetwork(conf);
        m.init();
        return new Net(m);
    }

    private static List<FeatureBranches.Branch> branches(Net student, Net teacher, FeatureLoss... losses) {
        Map<String, long[]> s = student.activationShapes(INPUT);
        Map<String, long[]> t = teacher.activationShapes(INPUT);
        return java.util.Arrays.stream(losses).map(l -> {
            FeatureLoss.Branch b = l.branch(s.get(l.studentLayer()), t.get(l.teacherLayer()), 0.5);
            return new FeatureBranches.Branch(l.studentLayer(), s.get(l.studentLayer()), b.regressorOut(), b.loss());
        }).toList();
    }

    @Test
    void shapesAreNamedAsTheSummaryNamesLayers() {
        Map<String, long[]> shapes = convNet(3, 1).activationShapes(INPUT);
        assertEquals(List.of("conv", "dense", "out"), List.copyOf(shapes.keySet()));
        assertEquals(List.of(3L, 6L, 6L), java.util.Arrays.stream(shapes.get("conv")).boxed().toList());
        assertEquals(List.of(5L), java.util.Arrays.stream(shapes.get("dense")).boxed().toList());
    }

    @Test
    void gradientCheckOfTheWholeTrainingGraph() {
        Net student = convNet(3, 1);
        Net teacher = convNet(5, 2);
        HintLoss hint = new HintLoss("conv", "conv");
        AttentionLoss at = new AttentionLoss("conv", "conv", 2);
        HintLoss denseHint = new HintLoss("dense", "dense");
        Net graph = FeatureBranches.attach(student, branches(student, teacher, hint, at, denseHint), 9)
                .forTraining(new DistillationLoss(2, 0.7), new NoOp(), List.of());
        Nd4j.getRandom().setSeed(3);
        INDArray f = Nd4j.rand(DataType.DOUBLE, 4, 36);
        Map<String, INDArray> acts = teacher.activations(f, List.of("conv", "dense"));
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 4, 4);
        for (int i = 0; i < 4; i++) {
            y.putScalar(i, i % 4, 1.0);
        }
        INDArray[] labels = {Nd4j.hstack(Nd4j.randn(DataType.DOUBLE, 4, 4), y), hint.target(acts.get("conv")),
                at.target(acts.get("conv")), denseHint.target(acts.get("dense"))};
        assertEquals(List.of(4L, 180L), List.of(labels[1].size(0), labels[1].size(1)), "5 channels x 36 positions");
        assertEquals(List.of(4L, 36L), List.of(labels[2].size(0), labels[2].size(1)));
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
                .net((ComputationGraph) graph.model()).inputs(new INDArray[] {f}).labels(labels)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check of the student with hint and attention branches");
    }

    @Test
    void identicalNetworksScoreZeroThroughTheBranches() {
        Net student = convNet(3, 1);
        AttentionLoss at = new AttentionLoss("conv", "conv", 1000);
        HintLoss hint = new HintLoss("conv", "conv");
        Net graph = FeatureBranches.attach(student, branches(student, student, at, hint), 9);
        ComputationGraph g = (ComputationGraph) graph.model();
        // the hint's regressor made the identity: 1x1 kernel eye(3), no bias
        INDArray w = g.getLayer("feature1_regressor").getParam("W");
        w.assign(Nd4j.eye(3).reshape(3, 3, 1, 1));
        g.getLayer("feature1_regressor").getParam("b").assign(0);
        Nd4j.getRandom().setSeed(4);
        INDArray f = Nd4j.rand(DataType.DOUBLE, 5, 36);
        INDArray teacherConv = student.activations(f, List.of("conv")).get("conv");
        Map<String, INDArray> acts = g.feedForward(f, false);
        INDArray atScores = ((org.deeplearning4j.nn.conf.layers.LossLayer) g.getLayer("feature0_loss").conf()
                .getLayer()).getLossFn().computeScoreArray(at.target(teacherConv), acts.get("feature0_loss"),
                new ActivationIdentity(), null);
        assertEquals(0.0, atScores.sumNumber().doubleValue(), 1e-12);
        INDArray hintScores = ((org.deeplearning4j.nn.conf.layers.LossLayer) g.getLayer("feature1_loss").conf()
                .getLayer()).getLossFn().computeScoreArray(hint.target(teacherConv), acts.get("feature1_loss"),
                new ActivationIdentity(), null);
        assertEquals(0.0, hintScores.sumNumber().doubleValue(), 1e-12);
        // and a teacher whose positions are permuted does not score zero
        INDArray shuffled = Nd4j.concat(3, teacherConv.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 6)), teacherConv.get(
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)));
        assertTrue(((org.deeplearning4j.nn.conf.layers.LossLayer) g.getLayer("feature0_loss").conf().getLayer())
                .getLossFn().computeScoreArray(at.target(shuffled), acts.get("feature0_loss"),
                        new ActivationIdentity(), null).sumNumber().doubleValue() > 1e-6);
    }

    @Test
    void attachKeepsTheLogitsAndDetachGivesTheTrainedStudentBack() {
        Net student = convNet(3, 1);
        Net graph = FeatureBranches.attach(student, branches(student, convNet(5, 2), new HintLoss("conv", "conv")),
                9).forTraining(new DistillationLoss(2, 0.7), new Sgd(0.1), List.of());
        assertEquals(List.of("out", "feature0_loss"),
                ((ComputationGraph) graph.model()).getConfiguration().getNetworkOutputs());
        Nd4j.getRandom().setSeed(5);
        INDArray f = Nd4j.rand(DataType.DOUBLE, 6, 36);
        assertEquals(student.output(f), graph.output(f), "same weights, same logits");
        assertEquals(student.numParams() + 3 * 5 + 5, graph.numParams(), "plus a 1x1 regressor 3 -> 5 with bias");
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 6, 4);
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, i % 4, 1.0);
        }
        graph.fit(f, new INDArray[] {Nd4j.hstack(Nd4j.randn(DataType.DOUBLE, 6, 4), y),
                Nd4j.randn(DataType.DOUBLE, 6, 180)});
        Net back = FeatureBranches.detach(graph, student);
        assertInstanceOf(MultiLayerNetwork.class, back.model());
        assertEquals(student.numParams(), back.numParams());
        assertFalse(student.output(f).equalsWithEps(back.output(f), 1e-9), "it trained");
        assertTrue(graph.output(f).equalsWithEps(back.output(f), 1e-12), "the trained student, without the branch");
    }

    @Test
    void aResNetStudentKeepsItsLayerNames() {
        Architectures.InputShape mnist = new Architectures.InputShape(1, 28, 28);
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        try {
            Net r8 = Architectures.build(new ResNetSpec(8, 4), "student.arch", mnist, 10, 1);
            Net r14 = Architectures.build(new ResNetSpec(14, 4), "teacher.arch", mnist, 10, 2);
            Map<String, long[]> s = r8.activationShapes(mnist);
            assertEquals(List.of(8L, 14L, 14L), java.util.Arrays.stream(s.get("g2b1_relu")).boxed().toList());
            AttentionLoss at = new AttentionLoss("g2b1_relu", "g2b2_relu", 1000);
            FeatureLoss.Branch b = at.branch(s.get("g2b1_relu"), r14.activationShapes(mnist).get("g2b2_relu"), 1);
            Net graph = FeatureBranches.attach(r8, List.of(new FeatureBranches.Branch("g2b1_relu",
                    s.get("g2b1_relu"), b.regressorOut(), b.loss())), 3);
            INDArray f = Nd4j.rand(DataType.FLOAT, 2, 784);
            assertEquals(r8.output(f), graph.output(f));
            assertEquals(r8.numParams(), FeatureBranches.detach(graph, r8).numParams());
        } finally {
            Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        }
    }
}
