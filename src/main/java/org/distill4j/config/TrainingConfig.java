package org.distill4j.config;

/** The training budget shared by every stage that trains: epochs, batch size, optimizer. */
public record TrainingConfig(int epochs, int batchSize, OptimizerConfig optimizer) {
    public TrainingConfig {
        Check.between("epochs", epochs, 1, 100_000);
        Check.between("batch_size", batchSize, 1, 1 << 20);
        if (optimizer == null) {
            throw ConfigException.field("optimizer", "missing");
        }
    }
}
