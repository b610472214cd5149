package org.distill4j.config;

/** Where run directories go ({@code dir}/{@code <config-name>}/{@code <timestamp>-<hash>}) and what is kept. */
public record OutputConfig(String dir, boolean saveModels) {
    public OutputConfig {
        if (dir == null || dir.isBlank()) {
            throw ConfigException.field("dir", "must not be empty");
        }
    }
}
