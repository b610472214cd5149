package org.distill4j.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a benchmark records about the process and the machine it ran on (Linux {@code /proc}; null elsewhere). */
public final class Machine {
    private Machine() {
    }

    /** The 1-minute load average, or NaN. */
    public static double load1() {
        String[] f = loadavg();
        return f == null ? Double.NaN : Double.parseDouble(f[0]);
    }

    /** {@code /proc/loadavg}'s first three fields. */
    public static String[] loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new String[] {f[0], f[1], f[2]};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Peak resident set size of this process so far ({@code VmHWM}), in bytes. */
    public static Long peakRssBytes() {
        return status("VmHWM:");
    }

    /** Resident set size now ({@code VmRSS}), in bytes. */
    public static Long rssBytes() {
        return status("VmRSS:");
    }

    private static Long status(String key) {
        return kiloBytesField(Path.of("/proc/self/status"), key);
    }

    /** A {@code key: <n> kB} line of a {@code /proc} file, in bytes; null when absent or unreadable. */
    public static Long kiloBytesField(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return null;
    }
}
