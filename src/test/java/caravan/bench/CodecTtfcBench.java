package caravan.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import caravan.e2e.GatewayProcess;
import caravan.providers.bedrock.EventStreamFrames;
import caravan.testing.FakeUpstream;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Added time to first chunk through each codec (a benchmark, not a test; README "Benchmarks"): a fake
 * upstream per wire format streams 50 events (the recorded stream, its text delta repeated), the first
 * content at once and the rest 1 ms apart; the packaged gateway runs in its own JVM, pointed at them; the
 * client's time to its first event is measured straight from the upstream and through the gateway, request
 * after request, and the medians are compared.
 *
 *   bench/codec-ttfc.sh      (-Dwarmup, -Druns and -Dformats through JAVA_OPTS)
 */
public final class CodecTtfcBench {

    private static final int CHUNKS = 50;
    /** Seconds of concurrent warm-up. */
    private static final int WARMUP = Integer.getInteger("warmup", 60);
    private static final int RUNS = Integer.getInteger("runs", 300);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Format(String name, String model, List<byte[]> events, String contentType, String[] properties) {
    }

    public static void main(String[] args) throws Exception {
        List<Format> formats = List.of(
                sse("openai", "openai/gpt-4o-mini", "openai", "stream.sse", e -> e.contains("\"content\":\"") && !e.contains("\"content\":\"\"")),
                sse("azure", "azure/my-deployment", "azure", "stream.sse", e -> e.contains("\"content\":\"") && !e.contains("\"content\":\"\"")),
                sse("anthropic", "anthropic/claude-sonnet-4-5", "anthropic", "stream-text.sse", e -> e.contains("text_delta")),
                sse("gemini", "gemini/gemini-2.5-flash", "gemini", "stream-text.sse", e -> e.contains("\"text\"")),
                sse("cohere", "cohere/command-a-03-2025", "cohere", "stream.sse", e -> e.contains("content-delta")),
                new Format("bedrock", "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
                        stretch(EventStreamFrames.recorded("stream.json"),
                                frame -> new String(frame, StandardCharsets.ISO_8859_1).contains("contentBlockDelta")),
                        "application/vnd.amazon.eventstream", new String[0]));
        // -Dformats=openai,anthropic measures only those, in that order (the JIT warms up over the run:
        // the first format measured pays for it)
        List<String> chosen = List.of(System.getProperty("formats", "openai,azure,anthropic,gemini,cohere,bedrock").split(","));
        System.out.println("| codec | direct TTFC p50 ms | through Caravan p50 ms | added p50 ms | added p90 ms |");
        System.out.println("|---|--:|--:|--:|--:|");
        Map<String, FakeUpstream> upstreams = new LinkedHashMap<>();
        for (Format format : formats) {
            upstreams.put(format.name(), FakeUpstream.start(streaming(format)));
        }
        Path workDir = Files.createTempDirectory("caravan-ttfc");
        try (GatewayProcess gateway = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), environment(upstreams))
                .awaitReady()) {
            URI through = URI.create(gateway.url("/v1/chat/completions"));
            warmUp(formats, through);
            for (String name : chosen) {
                Format format = formats.stream().filter(candidate -> candidate.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no format " + name));
                measure(format, direct(upstreams.get(name)), through);
            }
        } finally {
            upstreams.values().forEach(FakeUpstream::close);
        }
    }

    /**
     * The JIT compiles the hot path after tens of thousands of calls: streams of every format, 16 at a time,
     * for WARMUP seconds, before anything is measured.
     */
    private static void warmUp(List<Format> formats, URI through) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARMUP);
        ExecutorService clients = Executors.newFixedThreadPool(16);
        for (int client = 0; client < 16; client++) {
            int offset = client;
            clients.execute(() -> {
                for (int i = offset; System.nanoTime() < until; i++) {
                    Format format = formats.get(i % formats.size());
                    try {
                        ttfc(through, request(format), true);
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        throw new IllegalStateException("warm-up failed for " + format.name(), e);
                    }
                }
            });
        }
        clients.shutdown();
        if (!clients.awaitTermination(WARMUP + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("warm-up did not end");
        }
    }

    private static URI direct(FakeUpstream upstream) {
        return URI.create("http://127.0.0.1:" + upstream.port() + "/any");
    }

    private static Format sse(String name, String model, String provider, String file, Predicate<String> isDelta) {
        List<byte[]> events = Recorded.sseEvents(provider, file).stream()
                .map(event -> event.getBytes(StandardCharsets.UTF_8)).toList();
        return new Format(name, model, stretch(events, bytes -> isDelta.test(new String(bytes, StandardCharsets.UTF_8))),
                "text/event-stream", new String[0]);
    }

    /** The recorded events with the first delta repeated until there are 50. */
    private static List<byte[]> stretch(List<byte[]> events, Predicate<byte[]> isDelta) {
        int delta = 0;
        while (delta < events.size() && !isDelta.test(events.get(delta))) {
            delta++;
        }
        if (delta == events.size()) {
            throw new IllegalStateException("no delta event to repeat");
        }
        List<byte[]> stretched = new ArrayList<>(events.subList(0, delta + 1));
        for (int i = events.size(); i < CHUNKS; i++) {
            stretched.add(events.get(delta));
        }
        stretched.addAll(events.subList(delta + 1, events.size()));
        return stretched;
    }

    /** Streams the format's events: everything up to the first content at once, the rest 1 ms apart. */
    private static FakeUpstream.Answer streaming(Format format) {
        int firstContent = 0;
        while (!new String(format.events().get(firstContent), StandardCharsets.ISO_8859_1).contains(marker(format.name()))) {
            firstContent++;
        }
        int head = firstContent + 1;
        return exchange -> {
            HttpServerResponse response = exchange.response().setChunked(true).putHeader("Content-Type", format.contentType());
            for (int i = 0; i < head; i++) {
                response.write(Buffer.buffer(format.events().get(i)));
            }
            long[] next = {head};
            exchange.vertx().setPeriodic(1, 1, id -> {
                if (next[0] < format.events().size() && !response.closed()) {
                    response.write(Buffer.buffer(format.events().get((int) next[0]++)));
                } else {
                    exchange.vertx().cancelTimer(id);
                    if (!response.closed()) {
                        response.end();
                    }
                }
            });
        };
    }

    private static String request(Format format) {
        return "{\"model\":\"" + format.model() + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    }

    private static void measure(Format format, URI direct, URI through) throws Exception {
        String body = request(format);
        double[] directNanos = new double[RUNS];
        double[] throughNanos = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            directNanos[i] = ttfc(direct, body, false);
            throughNanos[i] = ttfc(through, body, true);
        }
        double[] added = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            added[i] = throughNanos[i] - directNanos[i];
        }
        System.out.printf("| %s | %.3f | %.3f | %.3f | %.3f |%n", format.name(), median(directNanos) / 1e6,
                median(throughNanos) / 1e6, (median(throughNanos) - median(directNanos)) / 1e6,
                percentile(added, 0.9) / 1e6);
    }

    private static String marker(String name) {
        return switch (name) {
            case "anthropic" -> "text_delta";
            case "gemini" -> "\"text\"";
            case "cohere" -> "content-delta";
            case "bedrock" -> "contentBlockDelta";
            default -> "\"content\":\"";
        };
    }

    /** The environment that points each provider of the packaged gateway at its fake upstream. */
    private static Map<String, String> environment(Map<String, FakeUpstream> upstreams) {
        Map<String, String> env = new HashMap<>();
        upstreams.forEach((provider, upstream) -> {
            String base = "http://127.0.0.1:" + upstream.port();
            switch (provider) {
                case "openai" -> env.putAll(Map.of("OPENAI_BASE_URL", base + "/v1", "OPENAI_API_KEY", "sk-bench"));
                case "azure" -> env.putAll(Map.of("AZURE_OPENAI_ENDPOINT", base, "AZURE_OPENAI_API_KEY", "bench"));
                case "anthropic" -> env.putAll(Map.of("ANTHROPIC_BASE_URL", base, "ANTHROPIC_API_KEY", "bench"));
                case "gemini" -> env.putAll(Map.of("GEMINI_BASE_URL", base, "GEMINI_API_KEY", "bench"));
                case "cohere" -> env.putAll(Map.of("COHERE_BASE_URL", base, "COHERE_API_KEY", "bench"));
                case "bedrock" -> env.putAll(Map.of("BEDROCK_BASE_URL", base, "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                        "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
                default -> throw new IllegalArgumentException(provider);
            }
        });
        return env;
    }

    /** Nanoseconds from sending the request to the first event (through the gateway) or first byte (direct). */
    private static long ttfc(URI uri, String body, boolean sse) throws IOException, InterruptedException {
        long started = System.nanoTime();
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        long first;
        try (InputStream in = response.body()) {
            if (sse) {
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = reader.readLine()) != null && !line.startsWith("data:")) {
                    // headers of the event
                }
                first = System.nanoTime();
                if (line == null || response.statusCode() != 200) {
                    throw new IllegalStateException("no event from " + uri + " (status " + response.statusCode() + ")");
                }
                while (reader.readLine() != null) {
                    // drain, so the connection is reused
                }
            } else {
                if (in.read() < 0) {
                    throw new IllegalStateException("empty answer from " + uri);
                }
                first = System.nanoTime();
                in.transferTo(OutputStreamSink.INSTANCE);
            }
        }
        return first - started;
    }

    private static double median(double[] values) {
        return percentile(values, 0.5);
    }

    private static double percentile(double[] values, double quantile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
