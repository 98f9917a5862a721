package caravan.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import caravan.api.ChatRequest;
import caravan.api.Json;
import caravan.dialect.anthropic.AnthropicDialect;
import caravan.dialect.openai.OpenAiDialect;
import caravan.providers.anthropic.AnthropicCodec;
import caravan.providers.azure.AzureCodec;
import caravan.providers.bedrock.BedrockCodec;
import caravan.providers.bedrock.BedrockSettings;
import caravan.providers.cohere.CohereCodec;
import caravan.providers.gemini.GeminiCodec;
import caravan.providers.openai.OpenAiCodec;
import caravan.providers.openai.OpenAiSettings;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A streamed request asks for its usage wherever the provider's API needs asking, so no stream is
 * accounted as zero: OpenAI's API and Azure's report a stream's usage only with
 * {@code stream_options.include_usage}, for an OpenAI client that did not ask and for a request translated
 * from Anthropic Messages alike. Anthropic ({@code message_start}, {@code message_delta}), Gemini
 * ({@code usageMetadata}), Bedrock ({@code metadata}), Cohere ({@code message-end}) and Mistral (the last
 * chunk) report it unasked, and are not sent a field their APIs do not have.
 */
class StreamedUsageRequestTest {

    private static final String OPENAI_CLIENT = """
            {"model":"m","stream":true,"messages":[{"role":"user","content":"Hi"}]}""";
    private static final String ANTHROPIC_CLIENT = """
            {"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""";

    static Stream<Arguments> codecs() {
        UpstreamSettings keyed = new UpstreamSettings("p", "https://api.example.com", "sk-1");
        UpstreamSettings mistral = new UpstreamSettings("mistral", "https://api.mistral.ai/v1", "sk-1");
        return Stream.of(
                Arguments.of("openai", new OpenAiCodec(), keyed, true),
                Arguments.of("azure", new AzureCodec(), keyed, true),
                Arguments.of("mistral", new OpenAiCodec(notAskingForStreamUsage()), mistral, false),
                Arguments.of("anthropic", new AnthropicCodec(), keyed, false),
                Arguments.of("gemini", new GeminiCodec(), keyed, false),
                Arguments.of("bedrock", new BedrockCodec(signing()),
                        keyed, false),
                Arguments.of("cohere", new CohereCodec(), keyed, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void anOpenAiClientsStreamAsksForUsageWhereTheApiNeedsAsking(String provider, ProviderCodec codec,
                                                                 UpstreamSettings settings, boolean asks) {
        ChatRequest request = OpenAiDialect.INSTANCE.decodeRequest(OPENAI_CLIENT.getBytes(StandardCharsets.UTF_8));

        assertAsks(codec.encodeRequest(request, "m", settings), asks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void anAnthropicClientsStreamAsksForUsageWhereTheApiNeedsAsking(String provider, ProviderCodec codec,
                                                                    UpstreamSettings settings, boolean asks) {
        ChatRequest request = AnthropicDialect.INSTANCE.decodeRequest(ANTHROPIC_CLIENT.getBytes(StandardCharsets.UTF_8));

        assertAsks(codec.encodeRequest(request, "m", settings), asks);
    }

    private static void assertAsks(UpstreamRequest upstream, boolean asks) {
        JsonNode body = json(upstream.body());
        if (asks) {
            assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
        } else {
            assertThat(body.has("stream_options")).isFalse();
        }
    }

    private static JsonNode json(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OpenAiSettings notAskingForStreamUsage() {
        OpenAiSettings settings = new OpenAiSettings();
        settings.setAskForStreamUsage(false);
        return settings;
    }

    private static BedrockSettings signing() {
        BedrockSettings settings = new BedrockSettings();
        settings.setAccessKey("AKIDEXAMPLE");
        settings.setSecretKey("secret");
        return settings;
    }
}
