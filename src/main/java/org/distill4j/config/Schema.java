package org.distill4j.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The plug-in tables a config is bound with: stage types, architectures and distillation losses by YAML name, each
 * with the binder that reads its section. Built once from the registration list
 * ({@code org.distill4j.plugins.Plugins}); this package knows no concrete stage, architecture or loss.
 *
 * @param defaultLoss the loss a stage gets when it names none ({@code kd}); its keys may sit inline in the stage
 */
public record Schema(Map<String, Function<Obj, ? extends StageConfig>> stages,
                     Map<String, Function<Obj, ? extends ArchSpec>> archs,
                     Map<String, Function<Obj, ? extends LossSpec>> losses, String defaultLoss) {
    public Schema {
        stages = Map.copyOf(new LinkedHashMap<>(stages));
        archs = Map.copyOf(new LinkedHashMap<>(archs));
        losses = Map.copyOf(new LinkedHashMap<>(losses));
        if (defaultLoss != null && !losses.containsKey(defaultLoss)) {
            throw new IllegalArgumentException("default loss '" + defaultLoss + "' is not registered");
        }
    }
}
