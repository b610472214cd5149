package org.distill4j.loss;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.distill4j.config.Check;
import org.distill4j.config.Obj;
import org.distill4j.math.FeatureDistance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code loss: {type: at, student_layer: g2b1_relu, teacher_layer: g2b3_relu, beta: 1000}}: attention transfer
 * (Zagoruyko and Komodakis 2017). Each feature map's spatial attention, the channel mean of its squares normalised
 * to unit length, is matched: {@code beta/2 · mean_j (a_j − t_j)²} ({@link AttentionTransferLoss}), times the term's
 * {@code weight} in {@code losses: [...]}. The two layers must be feature maps of the same height and width (their
 * channel counts may differ); nothing is learned beside the student.
 */
@JsonPropertyOrder({"type", "student_layer", "teacher_layer", "beta"})
public record AttentionLoss(@JsonProperty("student_layer") String studentLayer,
                            @JsonProperty("teacher_layer") String teacherLayer, double beta) implements FeatureLoss {
    public static final LossType<AttentionLoss> TYPE = new LossType<>("at", AttentionLoss::bind);

    public AttentionLoss {
        studentLayer = HintLoss.layer("student_layer", studentLayer);
        teacherLayer = HintLoss.layer("teacher_layer", teacherLayer);
        Check.nonNegative("beta", beta);
    }

    public static AttentionLoss bind(Obj o) {
        return o.build(() -> new AttentionLoss(o.string("student_layer", null), o.string("teacher_layer", null),
                o.number("beta", 1000.0)));
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Branch branch(long[] student, long[] teacher, double weight) {
        if (student.length != 3 || teacher.length != 3 || student[1] != teacher[1] || student[2] != teacher[2]) {
            throw new IllegalArgumentException("attention transfer needs feature maps of the same height and width, "
                    + "got student " + FeatureLoss.shape(student) + " and teacher " + FeatureLoss.shape(teacher));
        }
        return new Branch(0, new AttentionTransferLoss(weight * beta / 2, Math.toIntExact(student[0])));
    }

    @Override
    public INDArray target(INDArray teacherActivation) {
        int n = (int) teacherActivation.size(0);
        int c = (int) teacherActivation.size(1);
        int h = (int) (teacherActivation.length() / n / c);
        double[] maps = FeatureDistance.attentionRows(LogitLoss.heap(teacherActivation.reshape('c', n, (long) c * h)),
                n, c, h);
        return Nd4j.createFromArray(maps).reshape(n, h).castTo(teacherActivation.dataType() == DataType.DOUBLE
                ? DataType.DOUBLE : DataType.FLOAT);
    }

    @Override
    public String describe() {
        return "attention transfer " + studentLayer + " -> " + teacherLayer + ", beta = " + beta;
    }
}
