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
}
