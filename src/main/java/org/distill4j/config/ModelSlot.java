package org.distill4j.config;

/**
 * The models a pipeline holds: the teacher, the distilled student, and a student of the same architecture
 * trained from scratch (the baseline that shows what distillation buys).
 */
public enum ModelSlot { TEACHER, BASELINE, STUDENT;

    @com.fasterxml.jackson.annotation.JsonValue
    public String yaml() {
        return Obj.yamlName(this);
    }

    /** The config section that describes this slot's network: the baseline has the student's architecture. */
    public String section() {
        return this == TEACHER ? "teacher" : "student";
    }

    /** The slot named {@code yaml} ({@code teacher}, {@code baseline}, {@code student}), or null. */
    public static ModelSlot of(String yaml) {
        for (ModelSlot s : values()) {
            if (s.yaml().equals(yaml)) {
                return s;
            }
        }
        return null;
    }
}
