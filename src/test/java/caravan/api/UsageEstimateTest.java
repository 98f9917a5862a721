package caravan.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * When a provider reports no usage, the gateway counts it: the prompt as a request is admitted on, the
 * answer's text, reasoning and tool calls as they reached the client; the result is marked estimated.
 */
class UsageEstimateTest {

    private static final ChatRequest REQUEST = new ChatRequest(Json.objectOrNull("""
            {"model":"m","messages":[{"role":"user","content":"What is the weather in Boston?"}]}"""
            .getBytes(StandardCharsets.UTF_8)), null);
    private static final long PROMPT = TokenCount.ofRequest(REQUEST.messages(), null);

    @Test
    void aWholeAnswerWithoutUsageCountsItsPromptAndItsTextReasoningAndToolCalls() {
        ChatResponse answer = ChatResponse.of(Json.objectOrNull("""
                {"choices":[{"index":0,"message":{"role":"assistant","content":"Let me look.",
                 "reasoning_content":"The user wants the weather.",
                 "tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Boston\\"}"}}]}}]}"""
                .getBytes(StandardCharsets.UTF_8)), null);

        Usage usage = UsageEstimate.ofWhole(REQUEST, answer);

        assertThat(usage).isEqualTo(new Usage(PROMPT, TokenCount.of("Let me look.") + TokenCount.of("The user wants the weather.")
                + TokenCount.of("get_weather{\"city\":\"Boston\"}"), 0, 0, 0, true));
    }

    @Test
    void aProvidersOwnUsageIsTakenAsItIs() {
        Usage reported = new Usage(12, 3, 0, 0, 0);
        ChatResponse answer = ChatResponse.of(Json.objectOrNull("{\"choices\":[]}".getBytes(StandardCharsets.UTF_8)), reported);

        assertThat(UsageEstimate.ofWhole(REQUEST, answer)).isSameAs(reported);
        assertThat(UsageEstimate.ofStream(REQUEST, reported, true, streamed("a long answer that the usage must win over")))
                .isSameAs(reported);
    }

    @Test
    void aStreamedToolCallCountsAsTheSameCallWhole() {
        AnswerTokens streamed = new AnswerTokens();
        streamed.add(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"c1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}"));
        streamed.add(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]}}]}"));
        streamed.add(chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\":\\\"Boston\\\"}\"}}]}}]}"));

        assertThat(streamed.total()).isEqualTo(TokenCount.of("get_weather{\"city\":\"Boston\"}"));
    }

    @Test
    void aStreamCutBeforeItsUsageIsCountedFromWhatReachedTheClient() {
        AnswerTokens streamed = streamed("Boston is sunny today, 21 degrees.");

        Usage usage = UsageEstimate.ofStream(REQUEST, null, false, streamed);

        assertThat(usage).isEqualTo(new Usage(PROMPT, TokenCount.of("Boston is sunny today, 21 degrees."), 0, 0, 0, true));
    }

    @Test
    void aCutStreamKeepsTheInputItWasToldAndTheLargerOutput() {
        // Anthropic tells the input (and a first output token) at the start, the output only at the end
        Usage started = new Usage(4_625, 1, 3_400, 1_200, 0);
        AnswerTokens streamed = streamed("With one month's late fee the total is 1,310.19 EUR.");

        Usage usage = UsageEstimate.ofStream(REQUEST, started, false, streamed);

        assertThat(usage).isEqualTo(new Usage(4_625, streamed.total(), 3_400, 1_200, 0, true));
        // a cut after the final usage arrived keeps the provider's figures
        Usage finished = new Usage(4_625, 96, 3_400, 1_200, 0);
        assertThat(UsageEstimate.ofStream(REQUEST, finished, false, streamed)).isSameAs(finished);
    }

    @Test
    void aStreamCutBeforeAnythingArrivedUsedNothingKnown() {
        assertThat(UsageEstimate.ofStream(REQUEST, null, false, new AnswerTokens())).isNull();
        // a stream that ended normally without a word still had its prompt read
        assertThat(UsageEstimate.ofStream(REQUEST, null, true, new AnswerTokens()))
                .isEqualTo(new Usage(PROMPT, 0, 0, 0, 0, true));
    }

    private static AnswerTokens streamed(String text) {
        AnswerTokens tokens = new AnswerTokens();
        for (String piece : text.split("(?<= )")) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", piece);
            // half the chunks as a translating codec builds them, half as an OpenAI server's bytes
            tokens.add(piece.length() % 2 == 0 ? ChatChunk.of(json, null)
                    : ChatChunk.ofChunkBytes(json.toString().getBytes(StandardCharsets.UTF_8), true, null));
        }
        return tokens;
    }

    private static ChatChunk chunk(String json) {
        return ChatChunk.ofChunkBytes(json.getBytes(StandardCharsets.UTF_8), true, null);
    }
}
