package org.distill4j.plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.nio.file.Path;
import org.distill4j.config.ArchSpec;
import org.distill4j.config.DatasetConfig;
import org.distill4j.config.LossSpec;
import org.distill4j.config.Obj;
import org.distill4j.config.Schema;
import org.distill4j.config.StageConfig;
import org.distill4j.data.Datasets;
import org.distill4j.data.FashionMnist;
import org.distill4j.loss.AttentionLoss;
import org.distill4j.loss.CombinedLoss;
import org.distill4j.loss.DistLoss;
import org.distill4j.loss.DkdLoss;
import org.distill4j.loss.HintLoss;
import org.distill4j.loss.KdLoss;
import org.distill4j.model.ArchType;
import org.distill4j.model.LayersSpec;
import org.distill4j.model.LeNet5Spec;
import org.distill4j.model.MlpSpec;
import org.distill4j.model.ResNetSpec;
import org.distill4j.loss.LossType;
import org.distill4j.registry.Registry;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageType;
import org.distill4j.stage.distill.DistillStage;
import org.distill4j.stage.evaluate.EvaluateStage;
import org.distill4j.stage.export.ExportStage;
import org.distill4j.stage.lowrank.LowRankStage;
import org.distill4j.stage.prune.PruneStage;
import org.distill4j.stage.ptq.PtqStage;
import org.distill4j.stage.quant.QuantizeStage;
import org.distill4j.stage.train.TrainStage;

/**
 * The one list that registers every extension: stage types, distillation losses, architectures and dataset kinds, one
 * line each.
 * Adding a stage means writing its package ({@code stage.<name>}: config record, stage, {@code TYPE}) and adding one
 * {@code .stage(...)} line to {@link #BUILTIN}; a loss, one file in {@code loss} and one {@code .loss(...)} line (see
 * {@code docs/extending.md}). The config binder, the stage-order check, model building and the runner all read
 * from here; nothing below this package imports it.
 */
public final class Plugins {
    /** The loss a distilling stage gets when it names none; its keys may sit inline in the stage. */
    public static final String DEFAULT_LOSS = KdLoss.TYPE.name();

    /** Everything distill4j ships. */
    public static final Plugins BUILTIN = new Plugins()
            .stage(TrainStage.TYPE)
            .stage(DistillStage.TYPE)
            .stage(PruneStage.TYPE)
            .stage(QuantizeStage.TYPE)
            .stage(PtqStage.TYPE)
            .stage(LowRankStage.TYPE)
            .stage(ExportStage.TYPE)
            .stage(EvaluateStage.TYPE)
            .loss(KdLoss.TYPE)
            .loss(DkdLoss.TYPE)
            .loss(DistLoss.TYPE)
            .loss(HintLoss.TYPE)
            .loss(AttentionLoss.TYPE)
            .loss(CombinedLoss.TYPE)
            .arch(MlpSpec.TYPE)
            .arch(LeNet5Spec.TYPE)
            .arch(ResNetSpec.TYPE)
            .arch(LayersSpec.TYPE)
            .dataset(Datasets.FASHION_MNIST)
            .dataset(Datasets.FASHION_MNIST_SAMPLE)
            .dataset(Datasets.IMAGE_FOLDER)
            .dataset(Datasets.CSV);

    private final List<StageType<?>> stages;
    private final List<LossType<?>> losses;
    private final Map<String, Function<Obj, ? extends ArchSpec>> archs;
    private final List<Datasets.Type> datasets;
    private final Schema schema;
    private final Registry<StageType<?>> stageRegistry;
    private final Registry<Datasets.Type> datasetRegistry;

    private Plugins() {
        this(List.of(), List.of(), Map.of(), List.of());
    }

    private Plugins(List<StageType<?>> stages, List<LossType<?>> losses,
                    Map<String, Function<Obj, ? extends ArchSpec>> archs, List<Datasets.Type> datasets) {
        this.stages = List.copyOf(stages);
        this.losses = List.copyOf(losses);
        this.archs = Map.copyOf(archs);
        this.datasets = List.copyOf(datasets);
        this.datasetRegistry = new Registry<>("dataset");
        datasets.forEach(d -> datasetRegistry.register(d.name(), d));
        Registry<StageType<?>> reg = new Registry<>("stage type");
        Map<String, Function<Obj, ? extends StageConfig>> binders = new LinkedHashMap<>();
        for (StageType<?> t : stages) {
            reg.register(t.name(), t);
            binders.put(t.name(), t.binder());
        }
        Map<String, Function<Obj, ? extends LossSpec>> lossBinders = new LinkedHashMap<>();
        for (LossType<?> l : losses) {
            if (lossBinders.put(l.name(), l.binder()) != null) {
                throw new IllegalStateException("loss '" + l.name() + "' registered twice");
            }
        }
        this.stageRegistry = reg;
        this.schema = new Schema(binders, archs, lossBinders,
                lossBinders.containsKey(DEFAULT_LOSS) ? DEFAULT_LOSS : null);
    }

    /** These plugins plus a stage type. */
    public Plugins stage(StageType<?> type) {
        List<StageType<?>> s = new ArrayList<>(stages);
        s.add(type);
        return new Plugins(s, losses, archs, datasets);
    }

    /** These plugins plus a distillation loss. */
    public Plugins loss(LossType<?> type) {
        List<LossType<?>> l = new ArrayList<>(losses);
        l.add(type);
        return new Plugins(stages, l, archs, datasets);
    }

    /** These plugins plus an architecture ({@code arch: <name>}). */
    public Plugins arch(ArchType type) {
        Map<String, Function<Obj, ? extends ArchSpec>> a = new LinkedHashMap<>(archs);
        if (a.put(type.name(), type.binder()) != null) {
            throw new IllegalStateException("architecture '" + type.name() + "' registered twice");
        }
        return new Plugins(stages, losses, a, datasets);
    }

    /** These plugins plus a dataset kind ({@code dataset.name}). */
    public Plugins dataset(Datasets.Type type) {
        List<Datasets.Type> d = new ArrayList<>(datasets);
        d.add(type);
        return new Plugins(stages, losses, archs, d);
    }

    /** The kind {@code dataset.name} names; a config error listing the known ones when there is none. */
    public Datasets.Type dataset(String name) {
        return datasetRegistry.get(name, "dataset.name");
    }

    /**
     * Loads a dataset's train and test splits: an unknown name is a config error, missing or
     * corrupt files a data error.
     */
    public FashionMnist.Splits loadDataset(DatasetConfig config, Path home) {
        return dataset(config.name()).loader().load(config, home);
    }

    /** The tables configs are bound with. */
    public Schema schema() {
        return schema;
    }

    /** The stage for {@code stages[index]}. */
    public Stage createStage(StageConfig config, int index) {
        return stageRegistry.get(config.type(), "stages[" + index + "].type").create(config, index);
    }
}
