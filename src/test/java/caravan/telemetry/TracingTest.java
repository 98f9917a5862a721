package caravan.telemetry;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One trace per request: a SERVER span for the call and a CLIENT span per provider attempt, GenAI attributes on it. */
class TracingTest {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static FakeUpstream openai;
    static FakeUpstream vllm;
    static GatewayUnderTest gateway;

    @TempDir
    static Path workDir;

    @BeforeAll
    static void start() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "checked", """
                - route:
                    id: checked
                    group: policies
                    from:
                      uri: direct:checked
                      steps:
                        - to: model:openai/gpt-4o-mini
                        - process:
                            ref: checkJsonAnswer
                """);
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        vllm = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        gateway = GatewayUnderTest.builder().workDir(workDir).openAi(openai)
                .property("providers.vllm.base-url", vllm.baseUrl())
                .bean("openTelemetry", sdk)
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
        vllm.close();
    }

    @BeforeEach
    void clear() {
        openai.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
        vllm.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
        SPANS.reset();
    }

    @Test
    void aPlainCallIsAServerSpanWithOneClientSpanCarryingTheGenAiAttributes() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"temperature\":0.2,\"max_tokens\":50,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"my mail is ann@example.com\"}]}");
        assertThat(response.statusCode()).isEqualTo(200);

        SpanData server = serverSpan();
        List<SpanData> clients = clientSpans(server);
        assertThat(server.getName()).isEqualTo("POST /v1/chat/completions");
        assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("caravan.provider"))).isEqualTo("openai");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("caravan.tenant"))).isEqualTo("default");
        assertThat(server.getAttributes().get(AttributeKey.longKey("caravan.attempts"))).isEqualTo(1);
        assertThat(server.getAttributes().get(AttributeKey.doubleKey("caravan.overhead_ms"))).isNotNull();

        assertThat(clients).hasSize(1);
        SpanData client = clients.get(0);
        assertThat(client.getName()).isEqualTo("chat gpt-4o-mini");
        assertThat(client.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(string(client, "gen_ai.operation.name")).isEqualTo("chat");
        assertThat(string(client, "gen_ai.provider.name")).isEqualTo("openai");
        assertThat(string(client, "gen_ai.system")).isEqualTo("openai");
        assertThat(string(client, "gen_ai.request.model")).isEqualTo("gpt-4o-mini");
        assertThat(string(client, "gen_ai.response.model")).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(string(client, "gen_ai.response.id")).startsWith("chatcmpl-");
        assertThat(client.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("stop");
        assertThat(client.getAttributes().get(AttributeKey.doubleKey("gen_ai.request.temperature"))).isEqualTo(0.2);
        assertThat(client.getAttributes().get(AttributeKey.longKey("gen_ai.request.max_tokens"))).isEqualTo(50);
        assertThat(client.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
        assertThat(client.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isPositive();
        assertThat(client.getAttributes().get(AttributeKey.longKey("llm.token_count.prompt")))
                .isEqualTo(client.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")));
        assertThat(client.getAttributes().get(AttributeKey.doubleKey("cost_usd"))).isPositive();
        assertThat(client.getAttributes().get(AttributeKey.longKey("caravan.attempt"))).isEqualTo(1);
        assertThat(string(client, "caravan.target")).isEqualTo("openai/gpt-4o-mini");
        // no prompt, no answer, no key in any span unless content capture is switched on
        assertThat(SPANS.getFinishedSpanItems()).allSatisfy(span -> assertThat(span.getAttributes().toString())
                .doesNotContain("ann@example.com").doesNotContain("sk-test-provider").doesNotContain("gen_ai.input.messages"));
    }

    @Test
    void aCallWithAVirtualKeyNamesItsTenantAndKeyIdButNeverTheKey() {
        // the gateway runs without a master key (no admin API): the key is put into its store directly
        String secret = caravan.keys.KeySecrets.newSecret();
        var registry = gateway.context().getRegistry();
        java.time.Instant now = java.time.Instant.now();
        registry.lookupByNameAndType("keyStore", caravan.keys.KeyStore.class).insertKey(new caravan.keys.VirtualKey(
                "key_traced", registry.lookupByNameAndType("gatewaySecret", caravan.store.GatewaySecret.class).digest(secret),
                caravan.keys.KeySecrets.shown(secret), "traced", "search", null, null, List.of(), null, null, null,
                null, now, now, null), "master");
        registry.lookupByNameAndType("keyRegistry", caravan.keys.KeyRegistry.class).reload();

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + secret);
        assertThat(response.statusCode()).isEqualTo(200);

        SpanData server = serverSpan();
        assertThat(server.getAttributes().get(AttributeKey.stringKey("caravan.tenant"))).isEqualTo("search");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("caravan.key_id"))).isEqualTo("key_traced");
        assertThat(SPANS.getFinishedSpanItems()).allSatisfy(span -> assertThat(span.toString()).doesNotContain(secret));
    }

    @Test
    void aStreamedCallRecordsItsUsageOnTheClientSpan() {
        openai.reset(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(200);

        SpanData client = clientSpans(serverSpan()).get(0);
        assertThat(client.getAttributes().get(AttributeKey.booleanKey("caravan.stream"))).isTrue();
        assertThat(client.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isPositive();
    }

    @Test
    void anUpstreamErrorMarksBothSpansWithTheErrorType() {
        openai.reset(Answer.json(500, Recorded.text("openai", "error-500.json")));
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(502);

        SpanData server = serverSpan();
        SpanData client = clientSpans(server).get(0);
        assertThat(client.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(string(client, "error.type")).isNotBlank();
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(string(server, "error.type")).isNotBlank();
        assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(502);
    }

    @Test
    void aFailoverShowsEachAttemptAsASiblingClientSpan() {
        openai.reset(Answer.json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"fallbacks\":[\"vllm/llama-3\"],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(200);

        SpanData server = serverSpan();
        List<SpanData> clients = clientSpans(server);
        assertThat(clients).extracting(SpanData::getName).containsExactly("chat gpt-4o-mini", "chat llama-3");
        assertThat(clients.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(clients.get(1).getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(clients).extracting(span -> span.getAttributes().get(AttributeKey.longKey("caravan.attempt")))
                .containsExactly(1L, 2L);
        assertThat(string(server, "caravan.provider")).isEqualTo("vllm");
        assertThat(server.getAttributes().get(AttributeKey.longKey("caravan.attempts"))).isEqualTo(2);
    }

    @Test
    void aGuardrailCheckIsItsOwnSpanUnderTheRequest() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"checked\",\"response_format\":{\"type\":\"json_object\"},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(502);

        SpanData server = serverSpan();
        assertThat(string(server, "caravan.route")).isEqualTo("checked");
        SpanData guardrail = SPANS.getFinishedSpanItems().stream()
                .filter(span -> span.getName().equals("guardrail json_answer")).findFirst().orElseThrow();
        assertThat(guardrail.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(guardrail.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(string(guardrail, "caravan.guardrail.outcome")).isEqualTo("failed");
        assertThat(clientSpans(server)).hasSize(1);
    }

    @Test
    void anIncomingTraceparentIsContinued() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        assertThat(response.statusCode()).isEqualTo(200);

        SpanData server = serverSpan();
        assertThat(server.getTraceId()).isEqualTo(traceId);
        assertThat(server.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(clientSpans(server)).allSatisfy(client -> assertThat(client.getTraceId()).isEqualTo(traceId));
    }

    @Test
    void eachRequestIsItsOwnTrace() {
        for (int i = 0; i < 3; i++) {
            gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        }
        await().until(() -> SPANS.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.SERVER).count() == 3);
        assertThat(SPANS.getFinishedSpanItems().stream().map(SpanData::getTraceId).distinct()).hasSize(3);
        // plumbing routes (direct:, kamelet:, model:) make no spans of their own
        assertThat(SPANS.getFinishedSpanItems()).hasSize(6);
    }

    private static SpanData serverSpan() {
        await().until(() -> SPANS.getFinishedSpanItems().stream().anyMatch(span -> span.getKind() == SpanKind.SERVER));
        List<SpanData> servers = SPANS.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.SERVER).toList();
        assertThat(servers).hasSize(1);
        return servers.get(0);
    }

    private static List<SpanData> clientSpans(SpanData server) {
        return SPANS.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.CLIENT)
                .peek(span -> assertThat(span.getParentSpanId()).isEqualTo(server.getSpanId()))
                .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
    }

    private static String string(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }
}
