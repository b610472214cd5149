package org.distill4j.run;

import java.nio.charset.StandardCharsets;

/**
 * One master seed, one derived seed per component ("split", "teacher.init", "distill.shuffle", ...):
 * components never share a random stream, and adding one never shifts another's numbers.
 */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64 finalizer of the master seed mixed with a 64-bit FNV-1a hash of the component name. */
    public static long derive(long master, String component) {
        long h = 0xcbf29ce484222325L;
        for (byte b : component.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(master ^ mix(h));
    }

    static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
