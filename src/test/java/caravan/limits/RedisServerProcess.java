package caravan.limits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** A throwaway redis-server of a test's own, that it can stop and start again on the same port. */
final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServerProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static boolean available() {
        try {
            return new ProcessBuilder("redis-server", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static RedisServerProcess startOnFreePort() throws IOException {
        RedisServerProcess server = new RedisServerProcess(freePort(), Files.createTempDirectory("redis-test"));
        server.start();
        return server;
    }

    /**
     * A private redis-server for a test that needs one it can stop, or keys no other test sees. Fails (never
     * skips) when redis-server is not installed: the shared-store tests must not pass by not running.
     */
    static RedisServerProcess startRequired() throws IOException {
        if (!available()) {
            throw new AssertionError("This test runs a redis-server of its own, and there is none on the PATH:"
                    + " install Redis (Debian: apt-get install redis-server; scripts/services.sh does it)");
        }
        return startOnFreePort();
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    void start() throws IOException {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        await().atMost(Duration.ofSeconds(10)).until(this::accepts);
    }

    void stop() throws IOException, InterruptedException {
        if (process != null) {
            resume();
            process.destroy();
            process.waitFor();
            process = null;
        }
    }

    /** Freezes the server (SIGSTOP): its connections stay open and nothing answers, as with a hung Redis. */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill " + signal + " exited with " + exit);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
