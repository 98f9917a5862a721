package caravan.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import caravan.testing.GatewayUnderTest;
import caravan.testing.Sse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live dashboard at {@code /ui} as an operator sees it: the packaged jar serves known traffic, then
 * headless Chromium (Debian's, driven by playwright-core from {@code src/test/browser}) opens the page and
 * checks that its figures are those of that traffic. {@code scripts/install-browser.sh} installs the
 * browser and the npm package when they are missing. The screenshot is kept as
 * {@code target/ui-dashboard.png}.
 */
class DashboardBrowserIT {

    private static final String MASTER_KEY = "sk-caravan-dashboard-e2e";
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path BROWSER_TEST = ROOT.resolve("src/test/browser");
    private static final long INSTALL_TIMEOUT_MINUTES = 15;
    private static final long BROWSER_TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path workDir;

    @Test
    void showsTheFiguresOfTheGatewaysOwnTrafficInARealBrowser() throws Exception {
        installBrowser();
        Path gatewayDir = Files.createDirectories(workDir.resolve("gateway"));
        Path browserDir = Files.createDirectories(workDir.resolve("browser"));
        try (GatewayProcess gateway = GatewayProcess.start(gatewayDir, GatewayUnderTest.freePort(),
                Map.of("GATEWAY_MASTER_KEY", MASTER_KEY)).awaitReady()) {
            long inputTokens = 0;
            long outputTokens = 0;
            for (String message : List.of("one", "two two", "three three three")) {
                HttpResponse<String> answer = chat(gateway, "echo/echo-1", message, false);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                JsonNode usage = JSON.readTree(answer.body()).get("usage");
                inputTokens += usage.get("prompt_tokens").asLong();
                outputTokens += usage.get("completion_tokens").asLong();
            }
            HttpResponse<String> streamed = chat(gateway, "echo/echo-1", "four four four four", true);
            assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
            List<String> events = Sse.events(streamed.body());
            assertThat(events).last().isEqualTo("[DONE]");
            JsonNode streamedUsage = JSON.readTree(events.get(events.size() - 2)).get("usage");
            inputTokens += streamedUsage.get("prompt_tokens").asLong();
            outputTokens += streamedUsage.get("completion_tokens").asLong();
            HttpResponse<String> unknown = chat(gateway, "nope/x", "five", false);
            assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);

            // the calls are recorded as their answers end: wait until the stats hold all five
            JsonNode stats = awaitStats(gateway, 5);
            assertThat(stats.fieldNames()).toIterable()
                    .contains("generatedAt", "windowSeconds", "window", "totals", "spend", "recent");

            Path expectations = browserDir.resolve("expectations.json");
            JSON.writerWithDefaultPrettyPrinter().writeValue(expectations.toFile(),
                    expectations(inputTokens, outputTokens));
            Path screenshot = browserDir.resolve("dashboard.png");

            BrowserRun run = runDashboardCheck(gateway, expectations, screenshot);

            if (Files.isRegularFile(screenshot)) {
                Files.copy(screenshot, targetDir().resolve("ui-dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
            }
            assertThat(run.exitCode())
                    .as("node dashboard.mjs exited with %d:%n%s%nThe gateway's log:%n%s", run.exitCode(), run.output(),
                            gateway.output())
                    .isZero();
            assertThat(screenshot).isRegularFile();
        }
    }

    @Test
    void servesThePageToAnyoneAndItsFiguresOnlyWithTheKey() throws Exception {
        Path gatewayDir = Files.createDirectories(workDir.resolve("gateway"));
        try (GatewayProcess gateway = GatewayProcess.start(gatewayDir, GatewayUnderTest.freePort(),
                Map.of("GATEWAY_MASTER_KEY", MASTER_KEY)).awaitReady()) {
            for (String authorization : new String[] {null, "Bearer sk-not-the-key"}) {
                HttpResponse<String> refused = get(gateway, "/v1/caravan/stats", authorization);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
                assertThat(refused.headers().firstValue("content-type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/json"));
                JsonNode error = JSON.readTree(refused.body()).get("error");
                assertThat(error).as(refused.body()).isNotNull();
                assertThat(error.get("message").asText()).isNotBlank();
                assertThat(error.get("type").asText()).isNotBlank();
                assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
            }

            HttpResponse<String> page = get(gateway, "/ui", null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/html"));
            assertThat(page.body()).contains("<!DOCTYPE html>", "data-testid=\"rps\"", "/v1/caravan/stats");

            HttpResponse<String> stats = get(gateway, "/v1/caravan/stats", "Bearer " + MASTER_KEY);
            assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
            assertThat(stats.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            JsonNode body = JSON.readTree(stats.body());
            assertThat(body.at("/totals/requests").asLong(-1)).isZero();
            assertThat(body.at("/totals/cacheHitRate").isNull()).isTrue();
            assertThat(body.get("recent").isArray()).isTrue();
        }
    }

    /** What the page must show after the traffic above (the format is described in dashboard.mjs). */
    private static ObjectNode expectations(long inputTokens, long outputTokens) {
        ObjectNode expected = JSON.createObjectNode();
        expected.put("totalRequests", 5);
        expected.put("errorRateNonZero", true);
        expected.putArray("unavailable").add("cache-hit-rate").add("guardrail-block-rate");
        expected.putObject("providers").putObject("echo").put("requests", 4);
        expected.putArray("spend").addObject()
                .put("tenant", "default")
                .put("model", "echo/echo-1")
                .put("requests", 4)
                .put("inputTokens", inputTokens)
                .put("outputTokens", outputTokens);
        expected.put("recentRows", 5);
        expected.putArray("recent")
                .add(JSON.createObjectNode().put("status", 200).put("stream", true).put("tenant", "default"))
                .add(JSON.createObjectNode().put("status", 200).put("stream", false).put("provider", "echo"))
                .add(JSON.createObjectNode().put("status", 404).put("stream", false));
        return expected;
    }

    /** Polls the stats until they count this many requests, failing with the last answer after 30 s. */
    private JsonNode awaitStats(GatewayProcess gateway, long requests) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "(no answer)";
        while (true) {
            HttpResponse<String> stats = get(gateway, "/v1/caravan/stats", "Bearer " + MASTER_KEY);
            last = stats.statusCode() + " " + stats.body();
            if (stats.statusCode() == 200) {
                JsonNode body = JSON.readTree(stats.body());
                if (body.at("/totals/requests").asLong() == requests) {
                    return body;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("GET /v1/caravan/stats did not count " + requests + " requests within 30 s;"
                        + " its last answer: " + last + "\nThe gateway's log:\n" + gateway.output());
            }
            Thread.sleep(100);
        }
    }

    private BrowserRun runDashboardCheck(GatewayProcess gateway, Path expectations, Path screenshot) throws Exception {
        Path log = workDir.resolve("dashboard-node.log");
        Process node = new ProcessBuilder("node", BROWSER_TEST.resolve("dashboard.mjs").toString(), gateway.url(""),
                MASTER_KEY, expectations.toString(), screenshot.toString())
                .directory(BROWSER_TEST.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean exited = node.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
            node.waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        System.out.print(output);
        if (!exited) {
            throw new AssertionError("node dashboard.mjs did not finish within " + BROWSER_TIMEOUT_SECONDS + " s:\n"
                    + output);
        }
        return new BrowserRun(node.exitValue(), output);
    }

    /** Runs scripts/install-browser.sh, showing its output as it goes and failing the test with it. */
    private static void installBrowser() throws Exception {
        Process install = new ProcessBuilder("bash", ROOT.resolve("scripts/install-browser.sh").toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        StringBuilder output = new StringBuilder();
        Thread tee = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(install.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    System.out.println(line);
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "install-browser-output");
        tee.start();
        boolean exited = install.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!exited) {
            install.descendants().forEach(ProcessHandle::destroyForcibly);
            install.destroyForcibly();
        }
        tee.join(TimeUnit.SECONDS.toMillis(10));
        synchronized (output) {
            if (!exited) {
                throw new AssertionError("scripts/install-browser.sh did not finish within " + INSTALL_TIMEOUT_MINUTES
                        + " minutes:\n" + output);
            }
            if (install.exitValue() != 0) {
                throw new AssertionError("scripts/install-browser.sh failed with exit code " + install.exitValue()
                        + ":\n" + output);
            }
        }
    }

    private HttpResponse<String> chat(GatewayProcess gateway, String model, String message, boolean stream)
            throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", message);
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + MASTER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(GatewayProcess gateway, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url(path))).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path targetDir() throws IOException {
        Path jar = Path.of(System.getProperty("caravan.jar", "target/caravan.jar")).toAbsolutePath();
        return Files.createDirectories(jar.getParent());
    }

    private record BrowserRun(int exitCode, String output) {
    }
}
