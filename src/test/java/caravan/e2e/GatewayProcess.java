package caravan.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway as its users run it: {@code java -jar target/caravan.jar} in a directory of its own
 * (so the routes and Kamelets packaged in the jar are used), configured by environment variables only.
 */
public final class GatewayProcess implements AutoCloseable {

    /**
     * The README's run command's collector and heap: the gateway must work in them (it once ran out of heap
     * loading its embedding model in 200 MB, which tests given the JVM's default heap, a quarter of the
     * machine's memory, never saw).
     */
    private static final String PARALLEL_GC = "-XX:+UseParallelGC";
    private static final String README_HEAP = "-Xmx200m";

    private final Process process;
    private final Path log;
    final int port;

    private GatewayProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static GatewayProcess start(Path workDir, int port, Map<String, String> environment) throws IOException {
        return start(workDir, port, environment, javaBin(), PARALLEL_GC, README_HEAP, "-jar", jar().toString());
    }

    /**
     * The jar on the classpath of a plain Camel Main ({@code org.apache.camel.main.Main}, the runtime Camel
     * JBang uses), with these arguments: no Caravan class is named anywhere but in the working directory's files.
     */
    public static GatewayProcess startPlainCamelMain(Path workDir, int port, String... arguments) throws IOException {
        String[] command = new String[6 + arguments.length];
        command[0] = javaBin();
        command[1] = PARALLEL_GC;
        command[2] = README_HEAP;
        command[3] = "-cp";
        command[4] = jar().toString();
        command[5] = "org.apache.camel.main.Main";
        System.arraycopy(arguments, 0, command, 6, arguments.length);
        return start(workDir, port, Map.of(), command);
    }

    private static GatewayProcess start(Path workDir, int port, Map<String, String> environment, String... command)
            throws IOException {
        Path log = Files.createTempFile("caravan-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // only what the test gives: a store, collector or key in the runner's environment would change the run
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEWAY_") || name.endsWith("_API_KEY")
                || name.endsWith("_BASE_URL") || name.equals("DATABASE_URL") || name.equals("REDIS_URL")
                || name.startsWith("OTEL_"));
        builder.environment().put("GATEWAY_PORT", String.valueOf(port));
        // each process its own embedded database, unless the test shares one on purpose: an H2 file is
        // one gateway's (a second process on it fails to start, saying so)
        builder.environment().put("GATEWAY_DATA_DIR", caravan.testing.TempFolders.create("caravan-data").toString());
        builder.environment().putAll(environment);
        return new GatewayProcess(builder.start(), log, port);
    }

    /** Waits until {@code /readyz} answers 200, failing with the gateway's log if it does not. */
    public GatewayProcess awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("The gateway exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create(url("/readyz")))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYetListening) {
                // keep polling until the deadline
            }
            Thread.sleep(50);
        }
        throw new AssertionError("The gateway was not ready within 30 s:\n" + output());
    }

    /** Waits until the gateway has written {@code text} to its output (polling), failing with the output if it does not. */
    GatewayProcess awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!output().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The gateway did not write \"" + text + "\" within 30 s:\n" + output());
            }
            Thread.sleep(50);
        }
        return this;
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("The gateway did not exit within 30 s:\n" + output());
        }
        return process.exitValue();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Sends SIGTERM, as an orchestrator stopping it would, and returns at once: {@link #awaitExit} waits for the end. */
    void terminate() {
        process.destroy();
    }

    /** Kills the process at once (SIGKILL), as the kernel's OOM killer or a lost machine would: nothing of it runs after. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("The gateway did not die within 20 s of SIGKILL");
        }
    }

    /** Stops the gateway as an orchestrator would (SIGTERM) and returns everything it wrote, shutdown included. */
    String stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return output();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("caravan.jar", "target/caravan.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No gateway jar at " + jar + ": run mvn package first");
        }
        return jar;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
