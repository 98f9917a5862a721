package caravan.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import caravan.api.AnswerTokens;
import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.api.UsageEstimate;
import caravan.catalog.ModelPrice;
import caravan.providers.anthropic.AnthropicCodec;
import caravan.providers.azure.AzureCodec;
import caravan.providers.bedrock.BedrockCodec;
import caravan.providers.bedrock.EventStreamFrames;
import caravan.providers.cohere.CohereCodec;
import caravan.providers.echo.EchoAnswers;
import caravan.providers.gemini.GeminiCodec;
import caravan.providers.openai.OpenAiCodec;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden figures, per codec: one answer recorded whole and streamed (in the provider's documented wire
 * format) costs the same to the last digit, and that cost is the figure worked out by hand from the
 * recorded usage. The price gives every bucket a price of its own (input 3, cache read 0.30, cache write
 * 3.75, output 15, reasoning 20 USD per million), so a token landing in a different bucket streamed than
 * whole changes the figure. And when the provider reports no usage, the gateway's count of the same answer
 * is the same whole and streamed.
 */
class StreamAndWholeCostTest {

    private static final ModelPrice EVERY_BUCKET = new ModelPrice(new BigDecimal("3"), new BigDecimal("0.30"),
            new BigDecimal("3.75"), new BigDecimal("15"), new BigDecimal("20"));
    private static final ChatRequest REQUEST = request("""
            {"model":"m","messages":[{"role":"system","content":"You answer questions about invoices."},
              {"role":"user","content":"What is the total of invoice 4711 with one month's late fee?"}]}""");

    static Stream<Arguments> recordedPairs() {
        return Stream.of(
                // 86 input at 3, 1 920 cache reads at 0.30, 108 output at 15, 192 reasoning at 20
                Arguments.of("openai", new OpenAiCodec(), Recorded.bytes("openai", "golden-completion.json"),
                        Recorded.bytes("openai", "golden-stream.sse"), "0.006294"),
                // 158 input, 1 408 cache reads, 22 output
                Arguments.of("azure", new AzureCodec(), Recorded.bytes("azure", "completion-cached.json"),
                        Recorded.bytes("azure", "stream-cached.sse"), "0.0012264"),
                // 25 input, 3 400 cache reads, 1 200 cache writes at 3.75, 96 output
                Arguments.of("anthropic", new AnthropicCodec(), Recorded.bytes("anthropic", "golden-message.json"),
                        Recorded.bytes("anthropic", "golden-stream.sse"), "0.007035"),
                // 412 input, 1 900 cache reads, 200 cache writes, 98 output
                Arguments.of("bedrock", new BedrockCodec(), Recorded.bytes("bedrock", "completion-tool-use.json"),
                        EventStreamFrames.recordedBody("stream-tool-use.json"), "0.004026"),
                // 45 input, 62 output (Converse reports no reasoning split)
                Arguments.of("bedrock reasoning", new BedrockCodec(), Recorded.bytes("bedrock", "completion-reasoning.json"),
                        EventStreamFrames.recordedBody("stream-reasoning.json"), "0.001065"),
                // 1 044 input, 1 017 cache reads, 7 output, 36 thoughts at 20
                Arguments.of("gemini", new GeminiCodec(), Recorded.bytes("gemini", "text.json"),
                        Recorded.bytes("gemini", "stream-text.sse"), "0.0042621"),
                // 47 input, 1 024 cache reads, 26 output
                Arguments.of("cohere", new CohereCodec(), Recorded.bytes("cohere", "completion-cached.json"),
                        Recorded.bytes("cohere", "stream-cached.sse"), "0.0008382"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedPairs")
    void aStreamedAnswerCostsWhatTheSameAnswerWholeCosts(String name, ProviderCodec codec, byte[] whole, byte[] stream,
                                                         String golden) {
        Usage wholeUsage = UsageEstimate.ofWhole(REQUEST, codec.decodeResponse(whole, "m"));
        StreamDecoder decoder = codec.newStreamDecoder("m");
        AnswerTokens counted = new AnswerTokens();
        decoder.decode(stream, counted::add);
        decoder.finish(counted::add);
        Usage streamUsage = UsageEstimate.ofStream(REQUEST, decoder.usage(), decoder.endOfStream(), counted);

        assertThat(streamUsage).isEqualTo(wholeUsage);
        assertThat(streamUsage.estimated()).isFalse();
        assertThat(EVERY_BUCKET.cost(streamUsage)).isEqualByComparingTo(EVERY_BUCKET.cost(wholeUsage))
                .isEqualByComparingTo(golden);
    }

    @Test
    void echoCostsTheSameStreamedAndWhole() {
        ChatResponse whole = EchoAnswers.answer(REQUEST, "echo-1");
        List<ChatChunk> chunks = EchoAnswers.stream(REQUEST, "echo-1");
        Usage streamed = chunks.get(chunks.size() - 1).usage();

        assertThat(streamed).isEqualTo(whole.usage());
        assertThat(EVERY_BUCKET.cost(streamed)).isEqualByComparingTo(EVERY_BUCKET.cost(whole.usage()));
    }

    static Stream<Arguments> answersWithoutUsage() {
        return Stream.of(
                // thinking and text, as Anthropic's documentation shows them, without usage
                Arguments.of("anthropic", new AnthropicCodec(), Recorded.bytes("anthropic", "message-thinking.json"),
                        Recorded.bytes("anthropic", "stream-thinking.sse")),
                // a server that leaves usage out (of the answer, and the usage chunk of the stream)
                Arguments.of("openai", new OpenAiCodec(), withoutUsage(Recorded.bytes("openai", "golden-completion.json")),
                        withoutUsageChunk(Recorded.text("openai", "golden-stream.sse"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answersWithoutUsage")
    void anAnswerWithoutUsageIsCountedAlikeWholeAndStreamed(String name, ProviderCodec codec, byte[] whole, byte[] stream) {
        Usage wholeUsage = UsageEstimate.ofWhole(REQUEST, codec.decodeResponse(whole, "m"));
        StreamDecoder decoder = codec.newStreamDecoder("m");
        AnswerTokens counted = new AnswerTokens();
        decoder.decode(stream, counted::add);
        decoder.finish(counted::add);
        Usage streamUsage = UsageEstimate.ofStream(REQUEST, decoder.usage(), decoder.endOfStream(), counted);

        assertThat(wholeUsage.estimated()).isTrue();
        assertThat(wholeUsage.outputTokens()).isPositive();
        assertThat(streamUsage).isEqualTo(wholeUsage);
        assertThat(EVERY_BUCKET.cost(streamUsage)).isEqualByComparingTo(EVERY_BUCKET.cost(wholeUsage));
    }

    private static byte[] withoutUsage(byte[] completion) {
        ObjectNode json = Json.objectOrNull(completion);
        json.remove("usage");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withoutUsageChunk(String sse) {
        List<String> kept = new ArrayList<>();
        for (String event : sse.split("\n\n")) {
            if (!event.isBlank() && !event.contains("\"choices\":[]")) {
                kept.add(event + "\n\n");
            }
        }
        return String.join("", kept).getBytes(StandardCharsets.UTF_8);
    }

    private static ChatRequest request(String json) {
        return new ChatRequest(Json.objectOrNull(json.getBytes(StandardCharsets.UTF_8)), null);
    }
}
