package org.distill4j.spi;

import java.util.function.BiFunction;
import java.util.function.Function;
import org.distill4j.config.Obj;
import org.distill4j.config.StageConfig;

/**
 * A stage type: its YAML name, how its section binds (and so validates) into its config record, and how to create
 * the stage. Which model slots it reads and hands on is declared by the config record. Each stage package holds one
 * ({@code TrainStage.TYPE}, ...); {@code org.distill4j.plugins.Plugins} registers them, one line each.
 *
 * @param factory the stage for a bound config and its YAML path ({@code stages[2]})
 */
public record StageType<C extends StageConfig>(String name, Class<C> configClass, Function<Obj, C> binder,
                                               BiFunction<C, String, Stage> factory) {
    /** The stage for {@code config} (of this type) at {@code stages[index]}. */
    public Stage create(StageConfig config, int index) {
        if (!name.equals(config.type())) {
            throw new IllegalStateException("stage type '" + name + "' was given a config whose type() is '"
                    + config.type() + "'; a config record's type() must return its StageType's name");
        }
        return factory.apply(configClass.cast(config), "stages[" + index + "]");
    }
}
