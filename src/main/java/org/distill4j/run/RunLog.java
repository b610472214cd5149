package org.distill4j.run;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Copies everything logged (distill4j's and DL4J/ND4J's own lines, via SLF4J) into a run's {@code train.log}. */
public final class RunLog implements AutoCloseable {
    private final FileAppender appender;

    private RunLog(FileAppender appender) {
        this.appender = appender;
    }

    public static RunLog attach(Path file) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(cfg)
                .withPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %c{1} - %msg%n").build();
        FileAppender app = FileAppender.newBuilder().setName("run-" + file).withFileName(file.toString())
                .setLayout(layout).setConfiguration(cfg).withImmediateFlush(true).build();
        app.start();
        cfg.addAppender(app);
        cfg.getRootLogger().addAppender(app, Level.INFO, null);
        ctx.updateLoggers();
        return new RunLog(app);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        cfg.getRootLogger().removeAppender(appender.getName());
        if (cfg instanceof org.apache.logging.log4j.core.config.AbstractConfiguration ac) {
            ac.removeAppender(appender.getName());
        }
        ctx.updateLoggers();
        appender.stop();
    }
}
