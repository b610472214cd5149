package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Compatibility shim, not part of distill4j's API. DL4J 1.0.0-M2.1's {@code BaseMKLDNNHelper.mklDnnEnabled()}
 * looks for {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}, but nd4j-native
 * M2.1 ships that class as {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} with
 * {@code isUseONEDNN()}. The failed lookup silently disables oneDNN for conv, pooling and BatchNorm layers.
 * This class answers the old lookup by delegating to the real binding (found reflectively, so the CUDA
 * build, which lacks it, still compiles and simply reports false).
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
