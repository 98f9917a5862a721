package caravan.cache;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.ChatResponse;
import caravan.api.Json;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.Sse;
import caravan.testing.StreamAssembler;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hit asked for as a stream is a proper stream in the client's dialect: OpenAI chunks (the usage chunk
 * only when asked for) ending in [DONE], or Anthropic's event sequence read by the official SDK. The
 * replayed stream passes the check every live one does: it spells the same message as the whole answer.
 */
class StreamReplayTest {

    static final String MASTER = "sk-caravan-master-replay";

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;
    static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(streamOrWhole());
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.cache.mode", "exact")
                .property("gateway.cache.tool-calls", "true")
                .start();
        anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port()).apiKey(MASTER)
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        anthropic.close();
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void freshUpstream() {
        upstream.reset(streamOrWhole());
    }

    /** The recorded OpenAI stream for a stream, the recorded completion otherwise. */
    static Answer streamOrWhole() {
        return exchange -> {
            boolean stream = exchange.body().toString().contains("\"stream\":true");
            (stream ? Answer.sse(Recorded.sseEvents("openai", "stream.sse"))
                    : Answer.json(200, Recorded.text("openai", "completion.json"))).answer(exchange);
        };
    }

    static HttpResponse<String> post(String body) {
        return gateway.post("/v1/chat/completions", body, "Authorization", "Bearer " + MASTER);
    }

    static List<ChatChunk> chunks(String sse) throws Exception {
        List<ChatChunk> chunks = new ArrayList<>();
        for (String event : Sse.events(sse)) {
            if (!event.equals("[DONE]")) {
                chunks.add(ChatChunk.of((ObjectNode) Json.MAPPER.readTree(event), null));
            }
        }
        return chunks;
    }

    @Test
    void anOpenAiStreamReplaysWhatTheLiveStreamSpelled() throws Exception {
        String withUsage = """
                {"model":"openai/gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"replay me"}]}""";
        HttpResponse<String> live = post(withUsage);
        HttpResponse<String> replayed = post(withUsage);
        HttpResponse<String> replayedWithoutUsage = post(withUsage.replace("\"stream_options\":{\"include_usage\":true},", ""));

        assertThat(replayed.headers().firstValue("x-caravan-cache")).hasValue("hit");
        assertThat(StreamAssembler.assemble(chunks(replayed.body()))).isEqualTo(StreamAssembler.assemble(chunks(live.body())));
        List<String> events = Sse.events(replayed.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(Json.MAPPER.readTree(events.get(events.size() - 2)).path("usage").path("completion_tokens").asLong())
                .isPositive();
        assertThat(replayedWithoutUsage.body()).doesNotContain("\"usage\"").endsWith("data: [DONE]\n\n");
        assertThat(StreamAssembler.assemble(chunks(replayedWithoutUsage.body())))
                .isEqualTo(StreamAssembler.assemble(chunks(live.body())));
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void aWholeAnswerReplaysAsAStreamThatSpellsIt() throws Exception {
        String whole = """
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"stored whole"}]}""";
        HttpResponse<String> first = post(whole);
        HttpResponse<String> streamed = post(whole.replace("\"messages\"", "\"stream\":true,\"messages\""));

        assertThat(streamed.headers().firstValue("x-caravan-cache")).hasValue("hit");
        ChatResponse answer = ChatResponse.of((ObjectNode) Json.MAPPER.readTree(first.body()), null);
        assertThat(StreamAssembler.assemble(chunks(streamed.body()))).isEqualTo(StreamAssembler.of(answer));
    }

    @Test
    void toolCallsReplayAsAStreamThatSpellsThem() throws Exception {
        upstream.reset(Answer.json(200, Recorded.text("openai", "completion-tool-calls.json")));
        String whole = """
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"weather?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather"}}]}""";
        HttpResponse<String> first = post(whole);
        HttpResponse<String> streamed = post(whole.replace("\"messages\"", "\"stream\":true,\"messages\""));

        assertThat(streamed.headers().firstValue("x-caravan-cache")).hasValue("hit");
        ChatResponse answer = ChatResponse.of((ObjectNode) Json.MAPPER.readTree(first.body()), null);
        assertThat(StreamAssembler.assemble(chunks(streamed.body()))).isEqualTo(StreamAssembler.of(answer));
    }

    @Test
    void anAnthropicStreamReplaysTheExactEventSequence() {
        MessageCreateParams params = MessageCreateParams.builder().model("openai/gpt-4o-mini").maxTokens(64)
                .addUserMessage("replay me for Anthropic").build();
        List<String> liveTypes = new ArrayList<>();
        MessageAccumulator live = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
            stream.stream().forEach(event -> {
                liveTypes.add(type(event));
                live.accumulate(event);
            });
        }
        List<String> replayedTypes = new ArrayList<>();
        MessageAccumulator replayed = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
            stream.stream().forEach(event -> {
                replayedTypes.add(type(event));
                replayed.accumulate(event);
            });
        }
        Message whole = anthropic.messages().create(params);

        assertThat(upstream.requestCount()).isEqualTo(1);
        assertThat(replayedTypes).startsWith("message_start", "content_block_start").endsWith("message_delta", "message_stop");
        assertThat(replayedTypes).containsOnly(liveTypes.toArray(String[]::new));
        Message message = replayed.message();
        assertThat(message.content()).extracting(block -> block.text().orElseThrow().text())
                .containsExactly(String.join("", live.message().content().stream().map(b -> b.text().orElseThrow().text()).toList()));
        assertThat(message.stopReason()).isEqualTo(live.message().stopReason());
        assertThat(message.usage().outputTokens()).isEqualTo(live.message().usage().outputTokens());
        assertThat(whole.content()).extracting(block -> block.text().orElseThrow().text())
                .isEqualTo(message.content().stream().map(b -> b.text().orElseThrow().text()).toList());
    }

    private static String type(RawMessageStreamEvent event) {
        if (event.isMessageStart()) {
            return "message_start";
        }
        if (event.isContentBlockStart()) {
            return "content_block_start";
        }
        if (event.isContentBlockDelta()) {
            return "content_block_delta";
        }
        if (event.isContentBlockStop()) {
            return "content_block_stop";
        }
        if (event.isMessageDelta()) {
            return "message_delta";
        }
        return event.isMessageStop() ? "message_stop" : "other";
    }
}
