package org.distill4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * An IDX file (the MNIST format: magic 0x0000 0x08 ndim, big-endian int32 dimensions, then unsigned bytes),
 * gzipped or plain. Keeps the SHA-256 of the decompressed bytes, which identifies the content whatever
 * compressor wrote the file.
 */
public record IdxFile(int[] dims, byte[] data, String sha256) {

    public static IdxFile read(Path path) {
        byte[] raw;
        try (InputStream in = open(path)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);
            in.transferTo(buf);
            raw = buf.toByteArray();
        } catch (IOException e) {
            throw new DataException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return parse(raw, path.toString());
    }

    private static InputStream open(Path path) throws IOException {
        InputStream in = Files.newInputStream(path);
        if (!path.toString().endsWith(".gz")) {
            return in;
        }
        try {
            return new GZIPInputStream(in, 1 << 16);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    static IdxFile parse(byte[] raw, String where) {
        if (raw.length < 4 || raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08) {
            throw new DataException(where + ": not an IDX file of unsigned bytes (bad magic number)");
        }
        int ndim = raw[3] & 0xff;
        if (ndim < 1 || ndim > 4 || raw.length < 4 + 4 * ndim) {
            throw new DataException(where + ": bad IDX header (" + ndim + " dimensions)");
        }
        ByteBuffer bb = ByteBuffer.wrap(raw);
        int[] dims = new int[ndim];
        long n = 1;
        for (int i = 0; i < ndim; i++) {
            dims[i] = bb.getInt(4 + 4 * i);
            if (dims[i] < 0) {
                throw new DataException(where + ": negative dimension in IDX header");
            }
            n *= dims[i];
        }
        int offset = 4 + 4 * ndim;
        if (raw.length - offset != n) {
            throw new DataException(where + ": truncated or oversized IDX file: header says " + n
                    + " bytes of data, found " + (raw.length - offset));
        }
        byte[] data = java.util.Arrays.copyOfRange(raw, offset, raw.length);
        return new IdxFile(dims, data, sha256(raw));
    }

    /** Writes a gzipped IDX file (used to cut the bundled samples). */
    public static void writeGz(Path path, int[] dims, byte[] data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
        header.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            header.putInt(d);
        }
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(path))) {
            out.write(header.array());
            out.write(data);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String digestFile(Path path, String algorithm) {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new DataException("cannot checksum " + path + ": " + e.getMessage(), e);
        }
    }

    public int count() {
        return dims[0];
    }
}
