package caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * A throwaway redis-server of a test's own, that it can stop and start again on the same port, with or
 * without a password (given on its standard input, so that no command line shows it).
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final String password;
    private Process process;

    private RedisServerProcess(int port, Path dir, String password) {
        this.port = port;
        this.dir = dir;
        this.password = password;
    }

    public static boolean available() {
        try {
            return new ProcessBuilder("redis-server", "--version").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static RedisServerProcess startOnFreePort() throws IOException {
        return startOnFreePort(null);
    }

    private static RedisServerProcess startOnFreePort(String password) throws IOException {
        RedisServerProcess server = new RedisServerProcess(freePort(), TempFolders.create("redis-test"), password);
        server.start();
        return server;
    }

    /**
     * A private redis-server for a test that needs one it can stop, or keys no other test sees. Fails (never
     * skips) when redis-server is not installed: the shared-store tests must not pass by not running.
     */
    public static RedisServerProcess startRequired() throws IOException {
        return startRequired(null);
    }

    /** The same, refusing every command before {@code AUTH password}. */
    public static RedisServerProcess startRequired(String password) throws IOException {
        if (!available()) {
            throw new AssertionError("This test runs a redis-server of its own, and there is none on the PATH:"
                    + " install Redis (Debian: apt-get install redis-server; scripts/services.sh does it)");
        }
        return startOnFreePort(password);
    }

    /** {@code redis://[:password@]127.0.0.1:port}, as the README writes REDIS_URL. */
    public String url() {
        return "redis://" + (password == null ? "" : ":" + password + "@") + "127.0.0.1:" + port;
    }

    public void start() throws IOException {
        // the configuration on stdin ("-"), so a password is not on a command line for ps to show
        process = new ProcessBuilder("redis-server", "-")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String configuration = "port " + port + "\nbind 127.0.0.1\nsave \"\"\nappendonly no\ndir " + dir + "\n"
                + (password == null ? "" : "requirepass " + password + "\n");
        try (var stdin = process.getOutputStream()) {
            stdin.write(configuration.getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(10)).until(this::accepts);
    }

    public void stop() throws IOException, InterruptedException {
        if (process != null) {
            resume();
            process.destroy();
            process.waitFor();
            process = null;
        }
    }

    /** Freezes the server (SIGSTOP): its connections stay open and nothing answers, as with a hung Redis. */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    public void resume() throws IOException, InterruptedException {
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

    public static int freePort() {
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
