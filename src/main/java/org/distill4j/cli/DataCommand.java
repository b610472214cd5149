package org.distill4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.distill4j.data.DatasetExport;
import org.distill4j.data.FashionMnist;
import org.distill4j.run.Env;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code distill data}: dataset utilities. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Dataset utilities.",
        subcommands = {DataCommand.Export.class})
final class DataCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    DistillCli cli;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: export");
    }

    /** {@code distill data export}: a dataset's splits as an image folder of PNGs or as CSV files. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write a dataset's train and test splits as an image folder (<out>/{train,test}/<class>/"
                    + "<n>.png, the layout of Keras and torchvision's ImageFolder) or as CSV (<out>/{train,test}.csv: "
                    + "a label column with the class name, then the pixels 0..255).",
                    "Class folders are named <index>_<name>, so that reading them in name order keeps the classes' "
                            + "order."})
    static final class Export implements Callable<Integer> {
        enum Format { image_folder, csv }

        @CommandLine.Mixin
        DatasetOptions data;

        @Option(names = "--format", defaultValue = "image-folder", converter = FormatConverter.class,
                description = "image-folder or csv (default: ${DEFAULT-VALUE}).")
        Format format;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new folder to write.")
        Path out;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "2147483647",
                description = "Write only the first N images of each split.")
        int limit;

        @CommandLine.ParentCommand
        DataCommand parent;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
            @Override
            public Format convert(String value) {
                return Format.valueOf(value.replace('-', '_'));
            }
        }

        @Override
        public Integer call() throws Exception {
            if (limit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 1, got " + limit);
            }
            FashionMnist.Splits s = parent.cli.plugins().loadDataset(data.config(), Env.home());
            DatasetExport.write(s.train(), s.test(), format == Format.csv ? DatasetExport.Format.CSV
                    : DatasetExport.Format.IMAGE_FOLDER, out, limit);
            spec.commandLine().getOut().println(out);
            spec.commandLine().getOut().flush();
            return DistillCli.EXIT_OK;
        }
    }
}
