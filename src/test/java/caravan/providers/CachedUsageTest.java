package caravan.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import caravan.api.ChatChunk;
import caravan.api.ChatResponse;
import caravan.api.Usage;
import caravan.providers.anthropic.AnthropicCodec;
import caravan.providers.azure.AzureCodec;
import caravan.providers.bedrock.BedrockCodec;
import caravan.providers.bedrock.EventStreamFrames;
import caravan.providers.cohere.CohereCodec;
import caravan.providers.gemini.GeminiCodec;
import caravan.providers.openai.OpenAiCodec;
import caravan.testing.Recorded;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prompt-cache tokens land in the canonical buckets (input includes cache reads and writes; cacheRead,
 * cacheWrite apart) for every codec whose provider reports them, whole and streamed alike, from recorded
 * payloads in each provider's documented fields: OpenAI's and Azure's
 * {@code prompt_tokens_details.cached_tokens}, Anthropic's {@code cache_read_input_tokens} and
 * {@code cache_creation_input_tokens}, Bedrock's {@code cacheReadInputTokens} and {@code cacheWriteInputTokens},
 * Gemini's {@code cachedContentTokenCount}, Cohere's {@code cached_tokens}.
 */
class CachedUsageTest {

    static Stream<Arguments> wholeAnswers() {
        return Stream.of(
                Arguments.of("openai", new OpenAiCodec(), Recorded.bytes("openai", "completion-cached.json"),
                        new Usage(2006, 300, 1920, 0, 0)),
                Arguments.of("azure", new AzureCodec(), Recorded.bytes("azure", "completion-cached.json"),
                        new Usage(1566, 22, 1408, 0, 0)),
                // Anthropic's input_tokens counts only what follows the last cache breakpoint
                Arguments.of("anthropic", new AnthropicCodec(), Recorded.bytes("anthropic", "message.json"),
                        new Usage(2095 + 2051 + 2051, 503, 2051, 2051, 0)),
                // Bedrock's inputTokens leaves out what it read from or wrote to the cache
                Arguments.of("bedrock", new BedrockCodec(), Recorded.bytes("bedrock", "completion-tool-use.json"),
                        new Usage(412 + 1900 + 200, 98, 1900, 200, 0)),
                Arguments.of("gemini", new GeminiCodec(), Recorded.bytes("gemini", "text.json"),
                        new Usage(2061, 7 + 36, 1017, 0, 36)),
                Arguments.of("cohere", new CohereCodec(), Recorded.bytes("cohere", "completion-cached.json"),
                        new Usage(1071, 26, 1024, 0, 0)));
    }

    static Stream<Arguments> streams() {
        return Stream.of(
                Arguments.of("openai", new OpenAiCodec(), Recorded.bytes("openai", "stream-cached.sse"),
                        new Usage(2006, 8, 1920, 0, 0)),
                Arguments.of("azure", new AzureCodec(), Recorded.bytes("azure", "stream-cached.sse"),
                        new Usage(1566, 22, 1408, 0, 0)),
                Arguments.of("anthropic", new AnthropicCodec(), Recorded.bytes("anthropic", "stream-cached.sse"),
                        new Usage(12 + 248 + 1800, 9, 1800, 248, 0)),
                Arguments.of("bedrock", new BedrockCodec(), EventStreamFrames.recordedBody("stream-tool-use.json"),
                        new Usage(412 + 1900 + 200, 98, 1900, 200, 0)),
                Arguments.of("gemini", new GeminiCodec(), Recorded.bytes("gemini", "stream-text.sse"),
                        new Usage(2061, 7 + 36, 1017, 0, 36)),
                Arguments.of("cohere", new CohereCodec(), Recorded.bytes("cohere", "stream-cached.sse"),
                        new Usage(1071, 26, 1024, 0, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wholeAnswers")
    void aWholeAnswersCacheTokensLandInTheirBuckets(String provider, ProviderCodec codec, byte[] body, Usage expected) {
        ChatResponse response = codec.decodeResponse(body, "model");

        assertThat(response.usage()).isEqualTo(expected);
        assertThat(response.json().at("/usage/prompt_tokens_details/cached_tokens").asLong())
                .isEqualTo(expected.cacheReadTokens());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streams")
    void aStreamsCacheTokensLandInTheirBuckets(String provider, ProviderCodec codec, byte[] body, Usage expected) {
        StreamDecoder decoder = codec.newStreamDecoder("model");
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(body, chunks::add);
        decoder.finish(chunks::add);

        assertThat(decoder.endOfStream()).isTrue();
        assertThat(decoder.usage()).isEqualTo(expected);
        ChatChunk usageChunk = chunks.get(chunks.size() - 1);
        assertThat(usageChunk.usageOnly()).isTrue();
        assertThat(usageChunk.json().at("/usage/prompt_tokens_details/cached_tokens").asLong())
                .isEqualTo(expected.cacheReadTokens());
    }
}
