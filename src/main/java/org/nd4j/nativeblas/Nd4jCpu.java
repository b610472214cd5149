package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Answers DL4J's lookup of {@code Nd4jCpu$Environment.getInstance().isUseMKLDNN()} with nd4j-native's
 * {@code isUseONEDNN()}; why, and when it can go: {@linkplain org.nd4j.nativeblas the package}. The real binding is
 * found reflectively, so the CUDA build, which lacks it, still compiles and simply reports false.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private final Object delegate;
        private final Method isUseOneDnn;

        private Environment() {
            Object d = null;
            Method m = null;
            try {
                Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                d = env.getMethod("getInstance").invoke(null);
                m = env.getMethod("isUseONEDNN");
            } catch (ReflectiveOperationException | LinkageError e) {
                d = null;
                m = null;
            }
            delegate = d;
            isUseOneDnn = m;
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            if (delegate == null) {
                return false;
            }
            try {
                return (Boolean) isUseOneDnn.invoke(delegate);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }
    }
}
