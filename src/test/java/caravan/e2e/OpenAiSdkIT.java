package caravan.e2e;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.FakeUpstream.StreamScript;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The packaged jar, configured by environment variables, driven by the official OpenAI Java SDK. */
class OpenAiSdkIT {

    private static final String MASTER_KEY = "sk-caravan-e2e";

    @TempDir
    static Path workDir;

    static FakeUpstream upstream;
    static GatewayProcess gateway;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), Map.of(
                "OPENAI_BASE_URL", upstream.baseUrl(),
                "OPENAI_API_KEY", "sk-provider-e2e",
                "GATEWAY_MASTER_KEY", MASTER_KEY)).awaitReady();
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.url("/v1")).apiKey(MASTER_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void defaultAnswer() {
        upstream.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
    }

    @Test
    void completesAChat() throws Exception {
        ChatCompletion completion = client.chat().completions().create(hello("openai/gpt-4o-mini"));

        assertThat(completion.choices().get(0).message().content()).hasValue("Hello! How can I assist you today?");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(29);
        assertThat(upstream.takeRequest().headers().get("Authorization")).isEqualTo("Bearer sk-provider-e2e");
    }

    @Test
    void streamsAChat() {
        upstream.reset(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        StringBuilder content = new StringBuilder();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(hello("gpt-4o-mini"))) {
            stream.stream().forEach(chunk -> chunk.choices()
                    .forEach(choice -> choice.delta().content().ifPresent(content::append)));
        }

        assertThat(content).hasToString("Hello! How can I help?");
    }

    @Test
    void surfacesAStreamThatBreaksMidwayAsAnError() {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        upstream.reset(new StreamScript().events(events.subList(0, 3)).cut());

        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(hello("gpt-4o-mini"))) {
                stream.stream().forEach(chunk -> { });
            }
        }).isInstanceOf(OpenAIException.class);
    }

    @Test
    void reportsAnUnknownModelAsNotFound() {
        assertThatThrownBy(() -> client.chat().completions().create(hello("acme/unknown")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("Unknown provider 'acme'");
    }

    @Test
    void rejectsAClientWithTheWrongKey() {
        OpenAIClient stranger = OpenAIOkHttpClient.builder().baseUrl(gateway.url("/v1")).apiKey("sk-wrong")
                .maxRetries(0).build();

        assertThatThrownBy(() -> stranger.chat().completions().create(hello("gpt-4o-mini")))
                .isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void refusesToStartOnAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             GatewayProcess second = GatewayProcess.start(workDir, taken.getLocalPort(), Map.of())) {
            assertThat(second.awaitExit()).isNotZero();
            assertThat(second.output()).contains("Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void answersWithEchoWhenNoProviderIsConfigured() throws Exception {
        try (GatewayProcess bare = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), Map.of()).awaitReady()) {
            OpenAIClient local = OpenAIOkHttpClient.builder().baseUrl(bare.url("/v1")).apiKey("unused").maxRetries(0).build();

            ChatCompletion completion = local.chat().completions().create(hello("openai/gpt-4o-mini"));

            assertThat(completion.choices().get(0).message().content()).hasValue("Hello from the SDK");
            assertThat(bare.output()).contains("echo provider answers its calls");
        }
    }

    private static ChatCompletionCreateParams hello(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello from the SDK").build();
    }
}
