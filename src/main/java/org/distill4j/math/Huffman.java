package org.distill4j.math;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Canonical Huffman coding of small integer alphabets (weight codes, sparse-index gaps), as in Deep Compression
 * (Han et al. 2016). Only the code lengths need to be stored: codes are assigned in order of (length, symbol).
 * Ties while building the tree are broken by the smallest symbol in each subtree, so lengths are deterministic.
 */
public final class Huffman {
    /** Longest code this implementation writes (codes are held in a long). */
    public static final int MAX_LENGTH = 57;

    private Huffman() {
    }

    private record Node(long weight, int minSymbol, Node left, Node right) {
    }

    /** Code length per symbol (0 for symbols that never occur; a lone symbol gets length 1). */
    public static int[] codeLengths(long[] frequencies) {
        int[] lengths = new int[frequencies.length];
        PriorityQueue<Node> q = new PriorityQueue<>((a, b) -> a.weight != b.weight ? Long.compare(a.weight, b.weight)
                : Integer.compare(a.minSymbol, b.minSymbol));
        for (int s = 0; s < frequencies.length; s++) {
            if (frequencies[s] < 0) {
                throw new IllegalArgumentException("negative frequency for symbol " + s);
            }
            if (frequencies[s] > 0) {
                q.add(new Node(frequencies[s], s, null, null));
            }
        }
        if (q.size() == 1) {
            lengths[q.peek().minSymbol] = 1;
            return lengths;
        }
        while (q.size() > 1) {
            Node a = q.poll();
            Node b = q.poll();
            q.add(new Node(a.weight + b.weight, Math.min(a.minSymbol, b.minSymbol), a, b));
        }
        if (!q.isEmpty()) {
            assign(q.poll(), 0, lengths);
        }
        for (int l : lengths) {
            if (l > MAX_LENGTH) {
                throw new IllegalStateException("Huffman code longer than " + MAX_LENGTH + " bits");
            }
        }
        return lengths;
    }

    private static void assign(Node n, int depth, int[] lengths) {
        if (n.left == null) {
            lengths[n.minSymbol] = depth;
            return;
        }
        assign(n.left, depth + 1, lengths);
        assign(n.right, depth + 1, lengths);
    }

    /**
     * Canonical codes for the given lengths: shorter codes first, then by symbol; the code of symbol s is in its low
     * lengths[s] bits.
     */
    public static long[] canonicalCodes(int[] lengths) {
        long[] codes = new long[lengths.length];
        long code = -1; // the first code becomes 0
        int prevLen = 0;
        for (int s : canonicalOrder(lengths)) {
            int len = lengths[s];
            code = (code + 1) << (len - prevLen);
            codes[s] = code;
            prevLen = len;
        }
        return codes;
    }

    /** The symbols that have a code, in canonical order: by code length, then by symbol. */
    private static int[] canonicalOrder(int[] lengths) {
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> lengths[a] != lengths[b] ? Integer.compare(lengths[a], lengths[b])
                : Integer.compare(a, b));
        return Arrays.stream(order).mapToInt(Integer::intValue).filter(s -> lengths[s] > 0).toArray();
    }

    /** Encoded bits, most significant bit of each code first; {@code bits} is how many of them are used. */
    public record Encoded(byte[] data, long bits) {
    }

    public static Encoded encode(int[] symbols, int[] lengths) {
        long[] codes = canonicalCodes(lengths);
        long total = 0;
        for (int s : symbols) {
            if (s < 0 || s >= lengths.length || lengths[s] == 0) {
                throw new IllegalArgumentException("symbol " + s + " has no code");
            }
            total += lengths[s];
        }
        if ((total + 7) / 8 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many bits: " + total);
        }
        byte[] out = new byte[(int) ((total + 7) / 8)];
        long pos = 0;
        for (int s : symbols) {
            pos = BitPacking.write(out, pos, codes[s], lengths[s]);
        }
        return new Encoded(out, total);
    }

    /** Decodes {@code count} symbols written by {@link #encode} with the same lengths. */
    public static int[] decode(Encoded e, int[] lengths, int count) {
        long[] codes = canonicalCodes(lengths);
        // canonical decoding: per length, the first code and the symbols in canonical order
        int maxLen = Arrays.stream(lengths).max().orElse(0);
        int[] sorted = canonicalOrder(lengths);
        long[] firstCode = new long[maxLen + 1];
        int[] firstIndex = new int[maxLen + 1];
        int[] countOf = new int[maxLen + 1];
        for (int i = sorted.length - 1; i >= 0; i--) {
            int len = lengths[sorted[i]];
            countOf[len]++;
            firstCode[len] = codes[sorted[i]];
            firstIndex[len] = i;
        }
        int[] out = new int[count];
        long pos = 0;
        for (int k = 0; k < count; k++) {
            long code = 0;
            int len = 0;
            while (true) {
                if (pos >= e.bits()) {
                    throw new IllegalArgumentException("encoded data ends after " + k + " of " + count + " symbols");
                }
                code = (code << 1) | BitPacking.bit(e.data(), pos);
                pos++;
                len++;
                if (len > maxLen) {
                    throw new IllegalArgumentException("invalid code at bit " + pos);
                }
                if (countOf[len] > 0 && code >= firstCode[len] && code - firstCode[len] < countOf[len]) {
                    out[k] = sorted[firstIndex[len] + (int) (code - firstCode[len])];
                    break;
                }
            }
        }
        return out;
    }

    /** Shannon entropy (bits per symbol) of a frequency table. */
    public static double entropy(long[] frequencies) {
        long n = Arrays.stream(frequencies).sum();
        double h = 0;
        for (long f : frequencies) {
            if (f > 0) {
                double p = (double) f / n;
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        return h;
    }
}
