package org.distill4j.cli;

import org.distill4j.plugins.Plugins;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.RunConfig;
import picocli.CommandLine.Option;

/** {@code --config} and {@code --set}, shared by the commands that read a run config. */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Run config (YAML).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. stages.distill.temperature=8 or seed=7 (repeatable).")
    List<String> overrides = new ArrayList<>();

    RunConfig load(Plugins plugins) {
        return ConfigLoader.load(config, overrides, plugins.schema());
    }
}
