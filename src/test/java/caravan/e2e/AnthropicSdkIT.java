package caravan.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar driven by the official Anthropic Java SDK: {@code /v1/messages} served by a (fake)
 * Anthropic upstream and by a (fake) OpenAI upstream, whole and streamed, errors included.
 */
class AnthropicSdkIT {

    private static final String MASTER_KEY = "sk-caravan-e2e";

    @TempDir
    static Path workDir;

    static FakeUpstream anthropic;
    static FakeUpstream openai;
    static GatewayProcess gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() throws Exception {
        anthropic = FakeUpstream.start(Answer.json(200, Recorded.text("anthropic", "message.json")));
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), Map.of(
                "ANTHROPIC_BASE_URL", "http://127.0.0.1:" + anthropic.port(),
                "ANTHROPIC_API_KEY", "sk-ant-provider-e2e",
                "OPENAI_BASE_URL", openai.baseUrl(),
                "OPENAI_API_KEY", "sk-provider-e2e",
                "GATEWAY_MASTER_KEY", MASTER_KEY)).awaitReady();
        // the SDK adds /v1/messages to the base URL, as it does to https://api.anthropic.com
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.url("")).apiKey(MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        anthropic.close();
        openai.close();
    }

    @BeforeEach
    void defaultAnswers() {
        anthropic.reset(Answer.json(200, Recorded.text("anthropic", "message.json")));
        openai.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
    }

    @Test
    void createsAMessage() throws Exception {
        Message message = client.messages().create(hello("claude-sonnet-4-5"));

        assertThat(message.id()).isEqualTo("msg_013Zva2CMHLNnXjNJJKqJ2EF");
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).text().orElseThrow().text()).isEqualTo("Hi! My name is Claude.");
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(2095);
        assertThat(message.usage().cacheReadInputTokens()).hasValue(2051L);
        assertThat(message.usage().cacheCreationInputTokens()).hasValue(2051L);
        assertThat(message.usage().outputTokens()).isEqualTo(503);
        FakeUpstream.Received request = anthropic.takeRequest();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.headers().get("x-api-key")).isEqualTo("sk-ant-provider-e2e");
        // an Anthropic model is sent the SDK's own request, not a translation of it
        assertThat(request.json().at("/messages/0/content").asText()).isEqualTo("Hello from the Anthropic SDK");
        assertThat(request.json().get("model").asText()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void streamsAMessage() {
        anthropic.reset(Answer.sse(Recorded.sseEvents("anthropic", "stream-text.sse")));
        MessageAccumulator accumulator = MessageAccumulator.create();

        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(hello("claude-sonnet-4-5"))) {
            stream.stream().forEach(accumulator::accumulate);
        }

        Message message = accumulator.message();
        assertThat(message.content()).extracting(block -> block.text().orElseThrow().text()).containsExactly("Hello!");
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(25);
        assertThat(message.usage().outputTokens()).isEqualTo(15);
    }

    @Test
    void streamsAToolUse() throws Exception {
        anthropic.reset(Answer.sse(Recorded.sseEvents("anthropic", "stream-tool-use.sse")));
        MessageCreateParams params = MessageCreateParams.builder()
                .model("claude-sonnet-4-5")
                .maxTokens(1024)
                .addTool(Tool.builder()
                        .name("get_weather")
                        .description("Get the current weather in a given location")
                        .inputSchema(Tool.InputSchema.builder()
                                .properties(Tool.InputSchema.Properties.builder()
                                        .putAdditionalProperty("location", JsonValue.from(Map.of("type", "string")))
                                        .build())
                                .addRequired("location")
                                .build())
                        .build())
                .toolChoice(ToolChoiceAny.builder().build())
                .addUserMessage("What is the weather like in San Francisco?")
                .build();
        MessageAccumulator accumulator = MessageAccumulator.create();

        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }

        List<ContentBlock> content = accumulator.message().content();
        assertThat(content.get(0).text().orElseThrow().text()).isEqualTo("Okay, let's check the weather for San Francisco, CA:");
        ToolUseBlock toolUse = content.get(1).toolUse().orElseThrow();
        assertThat(toolUse.id()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(toolUse.name()).isEqualTo("get_weather");
        assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("location", "San Francisco, CA", "unit", "fahrenheit"));
        assertThat(accumulator.message().stopReason()).hasValue(StopReason.TOOL_USE);
        JsonNode sent = anthropic.takeRequest().json();
        assertThat(sent.at("/tools/0/input_schema/properties/location/type").asText()).isEqualTo("string");
        assertThat(sent.at("/tool_choice/type").asText()).isEqualTo("any");
    }

    @Test
    void anOpenAiModelAnswersTheAnthropicSdkWholeAndStreamed() {
        Message message = client.messages().create(hello("openai/gpt-4o-mini"));
        openai.reset(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(hello("openai/gpt-4o-mini"))) {
            stream.stream().forEach(accumulator::accumulate);
        }

        assertThat(message.content().get(0).text().orElseThrow().text()).isEqualTo("Hello! How can I assist you today?");
        assertThat(message.usage().inputTokens()).isEqualTo(19);
        Message streamed = accumulator.message();
        assertThat(streamed.content().get(0).text().orElseThrow().text()).isEqualTo("Hello! How can I help?");
        assertThat(streamed.usage().outputTokens()).isEqualTo(8);
    }

    @Test
    void surfacesAnErrorEventInTheStreamAsAnError() {
        anthropic.reset(Answer.sse(Recorded.sseEvents("anthropic", "stream-overloaded.sse")));

        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(hello("claude-sonnet-4-5"))) {
                stream.stream().forEach(event -> { });
            }
        }).isInstanceOf(AnthropicException.class).hasMessageContaining("Overloaded");
    }

    @Test
    void reportsAnUnknownModelAsNotFound() {
        assertThatThrownBy(() -> client.messages().create(hello("acme/unknown")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Unknown provider 'acme'");
    }

    @Test
    void rejectsAClientWithTheWrongKey() {
        AnthropicClient stranger = AnthropicOkHttpClient.builder().baseUrl(gateway.url("")).apiKey("sk-wrong")
                .maxRetries(0).build();

        assertThatThrownBy(() -> stranger.messages().create(hello("claude-sonnet-4-5")))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("Incorrect API key provided.");
    }

    private static MessageCreateParams hello(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage("Hello from the Anthropic SDK").build();
    }
}
