package org.distill4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download path against a server on the loopback address: files arrive, and a file whose MD5 is not the
 * published one is rejected and not kept (here the server hands out the bundled sample under the full set's
 * names, so the first file's MD5 cannot match).
 */
class DownloadTest {
    @TempDir
    Path dir;
    HttpServer server;

    @AfterEach
    void stop() {
        System.clearProperty("distill4j.fashion-mnist.url");
        System.clearProperty("distill4j.download.stall-seconds");
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aDownloadWithTheWrongMd5IsRejectedAndNotKept() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] requests = {0};
        server.createContext("/", ex -> {
            requests[0]++;
            Path f = Path.of(Datasets.SAMPLE_DIR).resolve(ex.getRequestURI().getPath().substring(1));
            if (Files.isRegularFile(f)) {
                byte[] body = Files.readAllBytes(f);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } else {
                ex.sendResponseHeaders(404, -1);
            }
            ex.close();
        });
        server.start();
        System.setProperty("distill4j.fashion-mnist.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/");
        Path target = dir.resolve("fm");
        Files.createDirectories(target);
        Files.writeString(target.resolve("train-images-idx3-ubyte.gz.part"), "left by a killed download");
        DataException e = assertThrows(DataException.class, () -> FashionMnist.download(target));
        String servedMd5 = IdxFile.digestFile(Path.of(Datasets.SAMPLE_DIR, "train-images-idx3-ubyte.gz"), "MD5");
        assertEquals("train-images-idx3-ubyte.gz: MD5 " + servedMd5
                + " does not match the published 8d4fb7e6c68d591d4c3dfef9ec88bf0d", e.getMessage());
        assertEquals(1, requests[0]);
        assertFalse(Files.exists(target.resolve("train-images-idx3-ubyte.gz")));
        assertFalse(Files.exists(target.resolve("train-images-idx3-ubyte.gz.part")));
    }

    @Test
    void httpErrorsAreReported() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        System.setProperty("distill4j.fashion-mnist.url", url);
        DataException e = assertThrows(DataException.class, () -> FashionMnist.download(dir.resolve("fm")));
        assertEquals("GET " + url + "train-images-idx3-ubyte.gz: HTTP 404", e.getMessage());
        assertTrue(Files.isDirectory(dir.resolve("fm")));
    }

    /** A server that sends its headers and a few bytes, then stalls: a one-line error in seconds, no partial file. */
    @Test
    void aStalledDownloadEndsWithOneLineAndNoPartialFile() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, 1_000_000);
            ex.getResponseBody().write(new byte[1000]);
            ex.getResponseBody().flush();
            try {
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        System.setProperty("distill4j.fashion-mnist.url", url);
        System.setProperty("distill4j.download.stall-seconds", "1");
        long t0 = System.nanoTime();
        DataException e = assertThrows(DataException.class, () -> FashionMnist.download(dir.resolve("fm")));
        release.countDown();
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "gave up after the stall, not after the server");
        assertEquals("GET " + url + "train-images-idx3-ubyte.gz: no data for 1 s, the download stalled",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("fm/train-images-idx3-ubyte.gz.part")));
    }
}
