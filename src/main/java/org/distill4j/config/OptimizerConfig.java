package org.distill4j.config;

/**
 * Optimizer of a training stage. {@code sgd} with {@code momentum > 0} is SGD with Nesterov momentum;
 * {@code weight_decay} is decoupled weight decay on weights (not biases, not BatchNorm).
 */
public record OptimizerConfig(Type type, double lr, double momentum, double weightDecay, ScheduleConfig schedule) {
    public enum Type { ADAM, SGD;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yaml() {
            return Obj.yamlName(this);
        }
    }

    public OptimizerConfig {
        if (type == null) {
            type = Type.ADAM;
        }
        Check.positive("lr", lr);
        Check.inRangeExclusive("momentum", momentum, 0.0, 1.0);
        Check.nonNegative("weight_decay", weightDecay);
        if (schedule == null) {
            schedule = ScheduleConfig.none();
        }
        if (schedule.minLr() > lr) {
            throw ConfigException.field("schedule.min_lr", "must be <= lr (" + Check.fmt(lr) + "), got "
                    + Check.fmt(schedule.minLr()));
        }
    }
}
