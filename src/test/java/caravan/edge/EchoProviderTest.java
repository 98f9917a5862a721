package caravan.edge;

import java.net.http.HttpResponse;
import java.util.List;

import caravan.testing.GatewayUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in echo provider, and the gateway as it runs with no provider configured: keyed cloud
 * providers are answered by echo, so the README's first curl works without keys or network.
 */
class EchoProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayUnderTest.builder()
                .property("providers.openai.api-key", "")
                .property("providers.openai.base-url", "https://api.openai.com/v1")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void repeatsTheLastUserMessageInTheChatCompletionFormat() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"echo/echo-1","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":"first"},{"role":"assistant","content":"ok"},
                 {"role":"user","content":"Hello, Caravan!"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("echo");
        JsonNode completion = JSON.readTree(response.body());
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("model").asText()).isEqualTo("echo-1");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hello, Caravan!");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(completion.at("/usage/completion_tokens").asInt()).isPositive();
    }

    @Test
    void streamsTheSameAnswerChunkByChunkWithUsageWhenAsked() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"echo/echo-1","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"one two three"}]}""");

        List<String> events = caravan.testing.Sse.events(response.body());
        assertThat(events).last().isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(event);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            if (!chunk.get("choices").isEmpty()) {
                content.append(chunk.at("/choices/0/delta/content").asText(""));
            }
        }
        assertThat(content).hasToString("one two three");
        assertThat(JSON.readTree(events.get(events.size() - 2)).at("/usage/completion_tokens").asInt()).isPositive();
    }

    @Test
    void standsInForAKeyedProviderThatHasNoKey() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("echo");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("gpt-4o-mini");
        assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asText()).isEqualTo("Hello");
    }
}
