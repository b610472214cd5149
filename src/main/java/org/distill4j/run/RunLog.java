package org.distill4j.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Copies everything logged (distill4j's and DL4J/ND4J's own lines, via SLF4J) into a run's {@code train.log}: at the
 * root logger and at each logger that does not pass its lines on to the root (log4j2.xml keeps the backends'
 * lines off the console that way).
 */
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
        for (LoggerConfig lc : loggers(cfg)) {
            lc.addAppender(app, Level.INFO, null);
        }
        ctx.updateLoggers();
        return new RunLog(app);
    }

    /** The root logger and those that do not pass their lines on to it. */
    private static List<LoggerConfig> loggers(Configuration cfg) {
        List<LoggerConfig> out = new ArrayList<>();
        out.add(cfg.getRootLogger());
        for (LoggerConfig lc : cfg.getLoggers().values()) {
            if (!lc.isAdditive() && lc != cfg.getRootLogger()) {
                out.add(lc);
            }
        }
        return out;
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        for (LoggerConfig lc : loggers(cfg)) {
            lc.removeAppender(appender.getName());
        }
        if (cfg instanceof org.apache.logging.log4j.core.config.AbstractConfiguration ac) {
            ac.removeAppender(appender.getName());
        }
        ctx.updateLoggers();
        appender.stop();
    }
}
