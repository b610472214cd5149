package org.distill4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.distill4j.run.RunLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** DL4J and ND4J log through SLF4J 1.7; their lines must reach Log4j2 (and so train.log), not vanish. */
class LoggingTest {
    @Test
    void slf4jIsBoundToLog4j2AndReachesTheRunLog(@TempDir Path dir) throws Exception {
        assertEquals("org.apache.logging.slf4j.Log4jLoggerFactory",
                LoggerFactory.getILoggerFactory().getClass().getName());
        Path file = dir.resolve("train.log");
        try (RunLog log = RunLog.attach(file)) {
            LoggerFactory.getLogger("org.deeplearning4j.nn.multilayer.MultiLayerNetwork")
                    .info("hello from an SLF4J logger");
        }
        assertTrue(Files.readString(file).contains("MultiLayerNetwork - hello from an SLF4J logger"),
                Files.readString(file));
    }
}
