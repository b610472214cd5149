package org.distill4j.loss;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.distill4j.config.ConfigException;
import org.distill4j.config.Obj;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code loss: {type: hint, student_layer: g2b1_relu, teacher_layer: g2b3_relu}}: FitNets' hint (Romero et al. 2015).
 * A learned regressor maps the student's layer to the teacher layer's width — a 1x1 convolution between feature maps
 * of the same height and width, a dense layer between dense layers — trained with the student and dropped from the
 * model the stage hands on; the loss is {@code mean (regressor(student) − teacher)²} ({@link HintL2Loss}), times the
 * term's {@code weight} when it is one of {@code losses: [...]}.
 */
@JsonPropertyOrder({"type", "student_layer", "teacher_layer"})
public record HintLoss(@JsonProperty("student_layer") String studentLayer,
                       @JsonProperty("teacher_layer") String teacherLayer) implements FeatureLoss {
    public static final LossType<HintLoss> TYPE = new LossType<>("hint", HintLoss::bind);

    public HintLoss {
        studentLayer = layer("student_layer", studentLayer);
        teacherLayer = layer("teacher_layer", teacherLayer);
    }

    static String layer(String key, String name) {
        if (name == null || name.isBlank()) {
            throw ConfigException.field(key, "missing: name a layer as the model summary at the start of a run "
                    + "lists them (e.g. g2b1_relu)");
        }
        return name;
    }

    public static HintLoss bind(Obj o) {
        return o.build(() -> new HintLoss(o.string("student_layer", null), o.string("teacher_layer", null)));
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Branch branch(long[] student, long[] teacher, double weight) {
        boolean maps = student.length == 3 && teacher.length == 3;
        if (maps && (student[1] != teacher[1] || student[2] != teacher[2])) {
            throw new IllegalArgumentException("a hint needs feature maps of the same height and width, got student "
                    + FeatureLoss.shape(student) + " and teacher " + FeatureLoss.shape(teacher));
        }
        if (!maps && !(student.length == 1 && teacher.length == 1)) {
            throw new IllegalArgumentException("a hint joins two feature maps or two dense layers, got student "
                    + FeatureLoss.shape(student) + " and teacher " + FeatureLoss.shape(teacher));
        }
        return new Branch(Math.toIntExact(teacher[0]), new HintL2Loss(weight));
    }

    @Override
    public INDArray target(INDArray teacherActivation) {
        return teacherActivation.reshape('c', teacherActivation.size(0), teacherActivation.length()
                / teacherActivation.size(0));
    }

    @Override
    public String describe() {
        return "hint " + studentLayer + " -> " + teacherLayer;
    }
}
