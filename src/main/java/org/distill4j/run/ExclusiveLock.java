package org.distill4j.run;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Work that one process at a time may do, guarded by an OS lock on a file (released when the
 * process ends, however it ends).
 */
public final class ExclusiveLock {
    private ExclusiveLock() {
    }

    /**
     * Runs {@code work} holding the lock on {@code lockFile}; throws {@code busy}'s exception when
     * another process holds it.
     */
    public static <T> T holding(Path lockFile, Supplier<? extends RuntimeException> busy,
            Callable<T> work) throws Exception {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(ch)) {
            if (lock == null) {
                throw busy.get();
            }
            return work.call();
        }
    }

    /**
     * Runs {@code work} holding the lock on {@code lockFile} and returns true; returns false without running it when
     * another process (or another holder in this one) holds the lock.
     */
    public static boolean tryHolding(Path lockFile, Callable<?> work) throws Exception {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(ch)) {
            if (lock == null) {
                return false;
            }
            work.call();
            return true;
        }
    }

    /** The lock, or null when another process, or another holder in this one, has it. */
    private static FileLock tryLock(FileChannel ch) throws java.io.IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }
}
