package org.distill4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.distill4j.config.RunConfig;
import org.distill4j.pipeline.Pipeline;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code distill train}: runs a config's stages end to end into a new run directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Run a config end to end: train/load the teacher, train the baseline, distill, evaluate.",
                "Writes experiments/<config-name>/<timestamp>-<hash>/ and prints its path."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RunConfig config = options.load();
        List<String> cmd = new ArrayList<>(List.of("distill", "train", "--config", options.config.toString()));
        for (String o : options.overrides) {
            cmd.add("--set");
            cmd.add(o);
        }
        Path dir = Pipeline.run(config, options.overrides, cmd);
        spec.commandLine().getOut().println(dir);
        return DistillCli.EXIT_OK;
    }
}
