package caravan.edge;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import caravan.api.ChatChunk;
import caravan.api.ClientStream;
import caravan.api.ForwardingClientStream;
import caravan.api.ResponseHeaders;
import caravan.api.Variables;
import caravan.routing.RoutingTestSupport;
import caravan.telemetry.CallListener;
import caravan.telemetry.CallRecord;
import caravan.telemetry.CallRecorder;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.FakeUpstream.StreamScript;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.Sse;
import org.apache.camel.Processor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a step can count on without touching the edge: it adds answer headers through a variable, it sees
 * a stream's chunks by wrapping the client stream (and is told when a retry starts over), any number of
 * steps hear when the client goes away, and the recorder tells every call once with whatever usage
 * arrived, a cut stream's included.
 */
class CallContractTest {

    private static final String OK = Recorded.text("openai", "completion.json");

    @TempDir
    static Path workDir;
    static FakeUpstream first;
    static FakeUpstream second;
    static FakeUpstream anthropic;
    static GatewayUnderTest gateway;
    static final List<CallRecord> calls = new CopyOnWriteArrayList<>();
    static final List<String> seen = new CopyOnWriteArrayList<>();
    static final AtomicInteger newAttempts = new AtomicInteger();
    static volatile CountDownLatch clientGone = new CountDownLatch(2);

    @BeforeAll
    static void start() throws Exception {
        first = FakeUpstream.start(Answer.json(200, OK));
        second = FakeUpstream.start(Answer.json(200, OK));
        anthropic = FakeUpstream.start(Answer.json(200, Recorded.text("anthropic", "message-text.json")));
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "contract", """
                - route:
                    id: tagged
                    group: policies
                    from:
                      uri: direct:tagged
                      steps:
                        - process: { ref: tagAnswer }
                        - to: model:openai/first-model
                - route:
                    id: watched-direct
                    group: policies
                    from:
                      uri: direct:watched-direct
                      steps:
                        - process: { ref: watchStream }
                        - to: model:openai/first-model
                - route:
                    id: watched
                    group: policies
                    from:
                      uri: direct:watched
                      steps:
                        - process: { ref: watchStream }
                        - loadBalance:
                            customLoadBalancer: { ref: fallback }
                            steps:
                              - to: model:openai/first-model
                              - to: model:vllm/second-model
                """);
        Processor tagAnswer = exchange -> ResponseHeaders.put(exchange, "x-test-tag", "tagged");
        Processor watchStream = exchange -> {
            ClientStream client = exchange.getVariable(Variables.CLIENT, ClientStream.class);
            exchange.setVariable(Variables.CLIENT, new ForwardingClientStream(client) {
                @Override
                public void sendChunk(ChatChunk chunk) {
                    seen.add(chunk.json().path("choices").path(0).path("delta").path("content").asText(""));
                    super.sendChunk(chunk);
                }

                @Override
                public void newAttempt() {
                    newAttempts.incrementAndGet();
                    seen.clear();
                    super.newAttempt();
                }
            });
            client.onClientGone(() -> clientGone.countDown());
            client.onClientGone(() -> clientGone.countDown());
        };
        gateway = GatewayUnderTest.builder().workDir(workDir)
                .bean("tagAnswer", tagAnswer)
                .bean("watchStream", watchStream)
                .property("providers.openai.base-url", first.baseUrl())
                .property("providers.openai.api-key", "sk-first")
                .property("providers.vllm.base-url", second.baseUrl())
                .property("providers.anthropic.base-url", "http://127.0.0.1:" + anthropic.port())
                .property("providers.anthropic.api-key", "sk-ant")
                .start();
        gateway.context().getRegistry().lookupByNameAndType("callRecorder", CallRecorder.class)
                .subscribe(new CallListener() {
                    @Override
                    public void onCall(CallRecord call) {
                        calls.add(call);
                    }
                });
    }

    @AfterAll
    static void stop() {
        gateway.close();
        first.close();
        second.close();
        anthropic.close();
    }

    @BeforeEach
    void reset() {
        first.reset(Answer.json(200, OK));
        second.reset(Answer.json(200, OK));
        calls.clear();
        seen.clear();
        newAttempts.set(0);
    }

    @Test
    void aStepAddsHeadersToTheAnswerWhateverItIs() {
        HttpResponse<String> whole = chat("tagged", false);
        first.then(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        HttpResponse<String> stream = chat("tagged", true);
        first.then(Answer.json(400, Recorded.text("openai", "error-400.json")));
        HttpResponse<String> error = chat("tagged", false);

        assertThat(List.of(whole.statusCode(), stream.statusCode(), error.statusCode())).containsExactly(200, 200, 400);
        for (HttpResponse<String> response : List.of(whole, stream, error)) {
            assertThat(response.headers().firstValue("x-test-tag")).hasValue("tagged");
        }
    }

    @Test
    void aStreamWrapperSeesTheChunksOfTheAttemptThatAnswered() {
        first.then(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}"));
        second.then(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));

        HttpResponse<String> response = chat("watched", true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("vllm");
        assertThat(newAttempts).hasValue(2);
        assertThat(String.join("", seen)).isEqualTo(Sse.content(response.body()));
    }

    @Test
    void everyStepListeningHearsTheClientGo() throws Exception {
        clientGone = new CountDownLatch(2);
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        StreamScript script = new StreamScript().events(events.subList(0, 2)).await(new CompletableFuture<>());
        first.then(script);

        InputStream body = GatewayUnderTest.http().send(gateway.request("/v1/chat/completions")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body("watched-direct", true))).build(),
                HttpResponse.BodyHandlers.ofInputStream()).body();
        Sse stream = new Sse(body);
        assertThat(stream.next()).isNotNull();
        stream.close();

        assertThat(clientGone.await(10, TimeUnit.SECONDS)).as("both listeners heard").isTrue();
        assertThat(script.clientGone().await(10, TimeUnit.SECONDS)).as("and the upstream call was cancelled").isTrue();
    }

    @Test
    void recordsTheUsageThatArrivedBeforeAStreamWasCut() {
        List<String> events = Recorded.sseEvents("anthropic", "stream-text.sse");
        anthropic.then(new StreamScript().events(events.subList(0, 4)).cut());

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"anthropic/claude-sonnet-4-5\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        CallRecord call = recordOf(response);
        assertThat(call.failed()).isTrue();
        assertThat(call.usage()).as("message_start said how many input tokens were paid for").isNotNull();
        assertThat(call.usage().inputTokens()).isEqualTo(25);
    }

    @Test
    void recordsEachCallOnceWithEveryAttempt() {
        first.then(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}"));

        HttpResponse<String> response = chat("watched", false);
        assertThat(response.statusCode()).isEqualTo(200);

        CallRecord call = recordOf(response);
        String id = call.requestId();
        assertThat(calls.stream().filter(record -> record.requestId().equals(id))).as("told once").hasSize(1);
        assertThat(call.attempted()).containsExactly("openai/first-model", "vllm/second-model");
        assertThat(call.usage().inputTokens()).as("the 503 reported no usage; the answer did").isEqualTo(19);
    }

    /** The call the recorder told of for this answer (it is told after the answer went out). */
    private static CallRecord recordOf(HttpResponse<String> response) {
        String id = response.headers().firstValue("x-caravan-request-id").orElseThrow();
        return await().atMost(Duration.ofSeconds(5)).until(() -> calls.stream()
                .filter(record -> record.requestId().equals(id)).findFirst().orElse(null), record -> record != null);
    }

    private static HttpResponse<String> chat(String model, boolean stream) {
        return gateway.post("/v1/chat/completions", body(model, stream));
    }

    private static String body(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }
}
