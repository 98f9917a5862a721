package caravan.providers.echo;

import caravan.api.TokenCount;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Json;
import caravan.api.Usage;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class EchoAnswersTest {

    private static final ChatRequest CONVERSATION = request("""
            {"model":"echo","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"first question"},
              {"role":"assistant","content":"first answer"},
              {"role":"user","content":"Tell me  about   the sea, please."}
            ]}""");

    @Test
    void answerRepeatsTheLastUserMessage() {
        ChatResponse response = EchoAnswers.answer(CONVERSATION, "echo-1");

        assertThat(content(response)).isEqualTo("Tell me  about   the sea, please.");
        assertThat(response.model()).isEqualTo("echo-1");
        assertThat(response.json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void answerRepeatsTheTextPartsOfArrayContent() {
        ChatRequest request = request("""
                {"model":"echo","messages":[{"role":"user","content":[
                  {"type":"text","text":"Hello, "},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
                  {"type":"text","text":"world"}
                ]}]}""");

        assertThat(content(EchoAnswers.answer(request, "echo"))).isEqualTo("Hello, world");
    }

    @Test
    void repeatsAtMostTheFirstPartOfAHugeMessage() {
        String huge = "a".repeat(4 * 1024 * 1024);
        ChatRequest request = request("{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + huge + "\"}]}");

        ChatResponse response = EchoAnswers.answer(request, "echo");
        List<ChatChunk> chunks = EchoAnswers.stream(request, "echo");

        assertThat(content(response)).hasSize(EchoAnswers.MAX_REPLY_CHARS);
        assertThat(chunks).hasSizeLessThan(10);
        assertThat(response.usage().inputTokens()).as("counted without running out of memory").isGreaterThan(huge.length() / 8);
    }

    @Test
    void countsOrdinaryTextExactlyInSlices() {
        String text = "The quick brown fox jumps over the lazy dog, 12345! ".repeat(4_000);

        assertThat(TokenCount.of(text)).isEqualTo(com.knuddels.jtokkit.Encodings.newLazyEncodingRegistry()
                .getEncoding(com.knuddels.jtokkit.api.EncodingType.O200K_BASE).countTokens(text));
    }

    @Test
    void usageIsPositiveAndTheSameOnEveryCall() {
        Usage first = EchoAnswers.answer(CONVERSATION, "echo").usage();
        Usage second = EchoAnswers.answer(CONVERSATION, "echo").usage();

        assertThat(first.inputTokens()).isPositive();
        assertThat(first.outputTokens()).isPositive();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void usageIsWrittenIntoTheAnswer() {
        ChatResponse response = EchoAnswers.answer(CONVERSATION, "echo");

        assertThat(response.json().at("/usage/prompt_tokens").asLong()).isEqualTo(response.usage().inputTokens());
        assertThat(response.json().at("/usage/completion_tokens").asLong()).isEqualTo(response.usage().outputTokens());
        assertThat(response.json().at("/usage/total_tokens").asLong()).isEqualTo(response.usage().totalTokens());
    }

    @Test
    void streamDeltasJoinIntoTheAnswer() {
        List<ChatChunk> chunks = EchoAnswers.stream(CONVERSATION, "echo");

        String streamed = chunks.stream()
                .map(c -> c.json().at("/choices/0/delta/content").asText(""))
                .collect(Collectors.joining());
        assertThat(streamed).isEqualTo(content(EchoAnswers.answer(CONVERSATION, "echo")));
        assertThat(chunks.size()).isGreaterThan(4);
    }

    @Test
    void streamStartsWithTheAssistantRole() {
        ChatChunk first = EchoAnswers.stream(CONVERSATION, "echo").get(0);

        assertThat(first.json().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    }

    @Test
    void streamHasAFinishChunkThenEndsWithTheUsageChunk() {
        List<ChatChunk> chunks = EchoAnswers.stream(CONVERSATION, "echo");
        ChatChunk finish = chunks.get(chunks.size() - 2);
        ChatChunk last = chunks.get(chunks.size() - 1);

        assertThat(finish.json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(last.usageOnly()).isTrue();
        assertThat(last.usage()).isEqualTo(EchoAnswers.answer(CONVERSATION, "echo").usage());
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(ChatChunk::usageOnly);
    }

    @Test
    void streamChunksShareOneId() {
        List<ChatChunk> chunks = EchoAnswers.stream(CONVERSATION, "echo");

        assertThat(chunks).extracting(c -> c.json().get("id").asText()).containsOnly(chunks.get(0).json().get("id").asText());
    }

    @Test
    void piecesJoinBackIntoTheText() {
        for (String text : List.of("one two three", "a  b   c", "  leading spaces", "trailing ", " ", "x", "")) {
            assertThat(String.join("", EchoAnswers.pieces(text))).as("'%s'", text).isEqualTo(text);
        }
    }

    @Test
    void piecesAreWordsWithTheSpacesBeforeThem() {
        assertThat(EchoAnswers.pieces("Tell me  about")).containsExactly("Tell", " me", "  about");
        assertThat(EchoAnswers.pieces("")).isEmpty();
    }

    private static String content(ChatResponse response) {
        return response.json().at("/choices/0/message/content").asText();
    }

    private static ChatRequest request(String json) {
        try {
            return new ChatRequest((ObjectNode) Json.MAPPER.readTree(json), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
