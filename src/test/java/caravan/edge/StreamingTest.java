package caravan.edge;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.FakeUpstream.StreamScript;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.Sse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Streamed Chat Completions: passed through chunk by chunk, never buffered, failures never look like an end. */
class StreamingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = """
            {"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello"}]}""";
    private static final String STREAM_WITH_USAGE = """
            {"model":"openai/gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"user","content":"Hello"}]}""";

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.upstream-timeout-ms", "1000")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void defaultAnswer() {
        upstream.reset(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
    }

    @Test
    void deliversTheFirstChunkBeforeTheUpstreamHasSentTheLast() throws Exception {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        CompletableFuture<Void> restMaySend = new CompletableFuture<>();
        upstream.then(new StreamScript().events(events.subList(0, 2)).await(restMaySend)
                .events(events.subList(2, events.size())).end());

        try (Sse stream = openStream(STREAM)) {
            // the upstream holds the rest back until the client has the first chunks: a buffering gateway hangs here
            assertThat(delta(stream.next())).isEmpty();
            assertThat(delta(stream.next())).isEqualTo("Hello");
            restMaySend.complete(null);
            assertThat(stream.rest()).hasSize(4).last().isEqualTo("[DONE]");
        }
    }

    @Test
    void passesTheChunksThroughAsTheUpstreamWroteThem() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM_WITH_USAGE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("openai");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("gpt-4o-mini");
        assertThat(response.headers().firstValue("x-caravan-overhead-ms")).isPresent();
        assertThat(response.body()).isEqualTo(Recorded.text("openai", "stream.sse"));
    }

    @Test
    void asksTheUpstreamForUsageButHidesItFromAClientThatDidNotAsk() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM);

        JsonNode forwarded = upstream.takeRequest().json();
        assertThat(forwarded.get("stream_options").get("include_usage").asBoolean()).isTrue();
        List<String> events = events(response.body());
        assertThat(events).hasSize(6).last().isEqualTo("[DONE]");
        assertThat(events).noneMatch(event -> event.contains("\"choices\":[]"));
    }

    @Test
    void handsTheUsageChunkToAClientThatAskedForIt() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM_WITH_USAGE);

        List<String> events = events(response.body());
        JsonNode usageChunk = JSON.readTree(events.get(events.size() - 2));
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.get("usage").get("completion_tokens").asInt()).isEqualTo(8);
        assertThat(JSON.readTree(new String(upstream.takeRequest().body())).get("stream_options"))
                .isEqualTo(JSON.readTree("{\"include_usage\":true}"));
    }

    @Test
    void passesStreamedToolCallsThrough() {
        upstream.then(Answer.sse(Recorded.sseEvents("openai", "stream-tool-calls.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM_WITH_USAGE);

        assertThat(response.body()).isEqualTo(Recorded.text("openai", "stream-tool-calls.sse"));
    }

    @Test
    void endsWithAnErrorEventWhenTheUpstreamFailsMidStream() throws Exception {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        upstream.then(new StreamScript().events(events.subList(0, 3)).cut());

        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM);

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> received = events(response.body());
        assertThat(received).hasSize(4).doesNotContain("[DONE]");
        JsonNode error = JSON.readTree(received.get(3)).get("error");
        assertThat(error.get("type").asText()).isEqualTo("upstream_error");
        assertThat(error.get("message").asText()).contains("openai");
    }

    @Test
    void endsWithAnErrorEventWhenTheUpstreamStopsWithoutDone() throws Exception {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        upstream.then(new StreamScript().events(events.subList(0, 3)).end());

        List<String> received = events(gateway.post("/v1/chat/completions", STREAM).body());

        assertThat(received).hasSize(4).doesNotContain("[DONE]");
        assertThat(JSON.readTree(received.get(3)).get("error").get("message").asText())
                .contains("ended before the answer was complete");
    }

    @Test
    void endsWithAnErrorEventWhenTheUpstreamFallsSilentBetweenChunks() throws Exception {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        upstream.then(new StreamScript().events(events.subList(0, 2)).await(new CompletableFuture<>()));

        List<String> received = events(gateway.post("/v1/chat/completions", STREAM).body());

        assertThat(received).hasSize(3);
        assertThat(JSON.readTree(received.get(2)).get("error").get("code").asText()).isEqualTo("upstream_timeout");
    }

    @Test
    void forwardsAnErrorEventTheUpstreamSends() throws Exception {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        upstream.then(new StreamScript().events(events.subList(0, 2))
                .event("data: {\"error\":{\"message\":\"The model crashed\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n")
                .end());

        List<String> received = events(gateway.post("/v1/chat/completions", STREAM).body());

        assertThat(received).hasSize(3);
        assertThat(JSON.readTree(received.get(2)).get("error").get("message").asText()).isEqualTo("The model crashed");
    }

    @Test
    void answersWithAnErrorBodyWhenTheStreamFailsBeforeItsFirstByte() throws Exception {
        upstream.then(Answer.json(500, Recorded.text("openai", "error-500.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(ChatCompletionsTest.error(response).get("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void cancelsTheUpstreamCallWhenTheClientGoesAway() throws Exception {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        StreamScript script = new StreamScript().events(events.subList(0, 2)).await(new CompletableFuture<>());
        upstream.then(script);

        InputStream body = GatewayUnderTest.http().send(streamRequest(STREAM), HttpResponse.BodyHandlers.ofInputStream()).body();
        Sse stream = new Sse(body);
        assertThat(stream.next()).isNotNull();
        stream.close();

        assertThat(script.clientGone().await(10, TimeUnit.SECONDS))
                .as("the gateway closed its upstream connection after the client left").isTrue();
    }

    private Sse openStream(String body) throws Exception {
        HttpResponse<InputStream> response = GatewayUnderTest.http().send(streamRequest(body),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        return new Sse(response.body());
    }

    private HttpRequest streamRequest(String body) {
        return gateway.request("/v1/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String delta(String event) throws Exception {
        return JSON.readTree(event).get("choices").get(0).get("delta").path("content").asText();
    }

    private static List<String> events(String body) {
        return Sse.events(body);
    }
}
