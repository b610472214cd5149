package org.distill4j.config;

/**
 * Learning-rate schedule over a stage. {@code step}: multiply by {@code gamma} every {@code step_epochs};
 * {@code cosine}: cosine decay from the initial rate to {@code min_lr} at the last step.
 */
public record ScheduleConfig(Type type, int stepEpochs, double gamma, double minLr) {
    public enum Type { NONE, STEP, COSINE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public ScheduleConfig {
        if (type == null) {
            type = Type.NONE;
        }
        Check.atLeast("step_epochs", stepEpochs, 1);
        Check.inRange("gamma", gamma, 0.0, 1.0);
        Check.nonNegative("min_lr", minLr);
    }

    public static ScheduleConfig none() {
        return new ScheduleConfig(Type.NONE, 1, 0.1, 0.0);
    }
}
