package caravan.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces leave over OTLP/HTTP (the default protocol) as the standard OpenTelemetry settings say (here as
 * system properties, the same settings as the OTEL_* variables), received and decoded by a test collector.
 */
class OtlpExportTest {

    private static final List<ResourceSpans> RECEIVED = new CopyOnWriteArrayList<>();
    private static final List<String> SETTINGS = List.of("otel.exporter.otlp.endpoint", "otel.bsp.schedule.delay");
    static HttpServer collector;
    static FakeUpstream openai;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws IOException {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                if ("application/x-protobuf".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                    RECEIVED.addAll(ExportTraceServiceRequest.parseFrom(body).getResourceSpansList());
                }
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, 0);
            exchange.close();
        });
        collector.start();
        System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort());
        System.setProperty("otel.bsp.schedule.delay", "50");
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder().openAi(openai).property("gateway.tracing.enabled", "true").start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
        collector.stop(0);
        SETTINGS.forEach(System::clearProperty);
    }

    @Test
    void aCallsTraceReachesTheCollector() {
        assertThat(gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode())
                .isEqualTo(200);

        await().until(() -> spans().stream().anyMatch(span -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER));
        ResourceSpans resource = RECEIVED.get(0);
        assertThat(attribute(resource.getResource().getAttributesList(), "service.name")).isEqualTo("caravan");
        Span server = spans().stream().filter(span -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst().orElseThrow();
        Span client = spans().stream().filter(span -> span.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).findFirst().orElseThrow();
        assertThat(server.getName()).isEqualTo("POST /v1/chat/completions");
        assertThat(client.getName()).isEqualTo("chat gpt-4o-mini");
        assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(attribute(client.getAttributesList(), "gen_ai.provider.name")).isEqualTo("openai");
    }

    private static List<Span> spans() {
        return RECEIVED.stream()
                .flatMap(resource -> resource.getScopeSpansList().stream())
                .flatMap(scope -> scope.getSpansList().stream())
                .toList();
    }

    private static String attribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(kv -> kv.getValue().getStringValue())
                .findFirst().orElse(null);
    }
}
