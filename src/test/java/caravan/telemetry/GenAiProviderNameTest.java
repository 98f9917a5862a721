package caravan.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.PrometheusScrape;
import caravan.testing.Recorded;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
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

/**
 * gen_ai.provider.name names the API that answered, as the provider endpoint's codec (or its route) says:
 * never the name a route gives its provider. Checked on the CLIENT span and on the GenAI client metrics.
 */
class GenAiProviderNameTest {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static final String CLAUDE = "anthropic.claude-3-5-sonnet-20240620-v1:0";

    @TempDir
    static Path workDir;
    static FakeUpstream bedrock;
    static FakeUpstream openAiCompatible;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        bedrock = FakeUpstream.start(Answer.json(200, Recorded.text("bedrock", "completion.json")));
        openAiCompatible = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        RoutingTestSupport.copyProject(workDir);
        // a second Bedrock region under a name of its own, and an OpenAI-compatible server that says nothing of itself
        Files.writeString(workDir.resolve("routes/providers/bedrock-eu.yaml"), """
                - route:
                    id: provider-bedrock-eu
                    from:
                      uri: direct:provider-bedrock-eu
                      steps:
                        - to:
                            uri: kamelet:aws-bedrock-action
                            parameters:
                              provider: bedrock-eu
                              region: eu-central-1
                              baseUrl: "http://127.0.0.1:%d"
                              accessKey: AKIAIOSFODNN7EXAMPLE
                              secretKey: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY
                              keyRequired: true
                """.formatted(bedrock.port()));
        Files.writeString(workDir.resolve("routes/providers/in-house.yaml"), """
                - route:
                    id: provider-in-house
                    from:
                      uri: direct:provider-in-house
                      steps:
                        - to:
                            uri: kamelet:openai-compatible-action
                            parameters:
                              provider: in-house
                              baseUrl: "%s"
                """.formatted(openAiCompatible.baseUrl()));
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .build();
        gateway = GatewayUnderTest.builder().workDir(workDir)
                .property("providers.mistral.base-url", openAiCompatible.baseUrl())
                .property("providers.mistral.api-key", "sk-mistral")
                .bean("openTelemetry", sdk)
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        bedrock.close();
        openAiCompatible.close();
    }

    @BeforeEach
    void clear() {
        SPANS.reset();
    }

    @Test
    void aRouteNamedBedrockEuUsingTheBedrockCodecReportsAwsBedrock() {
        HttpResponse<String> response = chat("bedrock-eu/" + CLAUDE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("bedrock-eu");
        SpanData client = clientSpan();
        assertThat(string(client, "gen_ai.provider.name")).isEqualTo("aws.bedrock");
        assertThat(string(client, "gen_ai.system")).isEqualTo("aws.bedrock");
        assertThat(string(client, "caravan.target")).isEqualTo("bedrock-eu/" + CLAUDE);
        assertThat(PrometheusScrape.value(gateway.get("/metrics").body(), "gen_ai_client_operation_duration_seconds_count",
                "gen_ai_provider_name=\"aws.bedrock\"")).isEqualTo(1);
        assertThat(gateway.get("/metrics").body()).doesNotContain("gen_ai_provider_name=\"bedrock-eu\"");
    }

    @Test
    void anOpenAiCompatibleRouteMayNameTheSystemBehindIt() {
        assertThat(chat("mistral/mistral-small-latest").statusCode()).isEqualTo(200);

        assertThat(string(clientSpan(), "gen_ai.provider.name")).isEqualTo("mistral_ai");
    }

    @Test
    void aRouteThatNamesNoSystemReportsTheApiItsCodecSpeaks() {
        assertThat(chat("in-house/llama-3").statusCode()).isEqualTo(200);

        assertThat(string(clientSpan(), "gen_ai.provider.name")).isEqualTo("openai");
    }

    private static HttpResponse<String> chat(String model) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
    }

    private static SpanData clientSpan() {
        await().until(() -> SPANS.getFinishedSpanItems().stream().anyMatch(span -> span.getKind() == SpanKind.SERVER));
        List<SpanData> clients = SPANS.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.CLIENT)
                .toList();
        assertThat(clients).hasSize(1);
        return clients.get(0);
    }

    private static String string(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }
}
