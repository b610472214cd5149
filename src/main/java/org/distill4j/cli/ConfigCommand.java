package org.distill4j.cli;

import java.util.concurrent.Callable;
import org.distill4j.config.ConfigWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code distill config --print}: the resolved config (bases merged, overrides applied, defaults explicit). */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Validate a config and print it resolved: bases merged, --set applied, every default explicit.")
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--print", description = "Print the resolved config (the default; without it, only validate).",
            defaultValue = "false")
    boolean print;

    @Option(names = "--check", description = "Only validate; print nothing on success.", defaultValue = "false")
    boolean check;

    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var config = options.load(cli.plugins());
        cli.plugins().dataset(config.dataset().name());
        if (!check) {
            spec.commandLine().getOut().print(ConfigWriter.toYaml(config));
            spec.commandLine().getOut().flush();
        }
        return DistillCli.EXIT_OK;
    }
}
