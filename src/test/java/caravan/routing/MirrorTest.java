package caravan.routing;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.FakeUpstream.StreamScript;
import caravan.testing.Recorded;
import caravan.testing.Sse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A wire-tapped candidate never delays or changes the primary's answer; its outcome is recorded for comparison. */
class MirrorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path workDir;
    static FakeUpstream primary;
    static FakeUpstream candidate;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        primary = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        candidate = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "shadowed", """
                - route:
                    id: shadowed
                    group: policies
                    from:
                      uri: direct:shadowed
                      steps:
                        - filter:
                            simple: "${random(0,100)} < 100"
                            steps:
                              - wireTap:
                                  uri: mirror:vllm/candidate-model
                        - to: model:openai/primary-model
                - route:
                    id: shadowed-whole
                    group: policies
                    from:
                      uri: direct:shadowed-whole
                      steps:
                        - wireTap:
                            uri: mirror:vllm/candidate-model
                        - to: model:openai/primary-model
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir)
                .property("providers.openai.base-url", primary.baseUrl())
                .property("providers.openai.api-key", "sk-primary")
                .property("providers.vllm.base-url", candidate.baseUrl())
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        primary.close();
        candidate.close();
    }

    @Test
    void recordsWhatTheMirrorCostWithTheTenantItCopied() {
        java.util.List<caravan.telemetry.MirrorOutcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        gateway.context().getRegistry().lookupByNameAndType("callRecorder", caravan.telemetry.CallRecorder.class)
                .subscribe(new caravan.telemetry.CallListener() {
                    @Override
                    public void onMirror(caravan.telemetry.MirrorOutcome outcome) {
                        outcomes.add(outcome);
                    }
                });
        primary.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
        candidate.reset(Answer.json(200, Recorded.text("openai", "completion.json")));

        assertThat(gateway.post("/v1/chat/completions",
                "{\"model\":\"shadowed-whole\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode())
                .isEqualTo(200);

        caravan.telemetry.MirrorOutcome outcome = await().atMost(Duration.ofSeconds(10))
                .until(() -> outcomes.isEmpty() ? null : outcomes.get(0), found -> found != null);
        assertThat(outcome.tenant()).isEqualTo("default");
        assertThat(outcome.usage()).as("a mirror is paid for").isNotNull();
        assertThat(outcome.usage().inputTokens()).isEqualTo(19);
        assertThat(gateway.get("/metrics").body())
                .contains("caravan_tokens_total{model=\"candidate-model\",provider=\"vllm\",tenant=\"default\",type=\"input\"}");
    }

    @Test
    void comparesAWholeAnswerEvenWhenThePrimaryFinishedFirst() throws Exception {
        primary.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
        candidate.reset(Answer.delayed(300, Answer.json(200, Recorded.text("openai", "completion.json"))));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"shadowed-whole\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode totals = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> JSON.readTree(gateway.get("/v1/caravan/routing").body()).path("mirrors")
                        .path("shadowed-whole -> vllm/candidate-model"), node -> node.path("calls").asInt() == 1
                        && !node.path("mean_divergence").isNull());
        assertThat(totals.get("mean_divergence").asDouble()).as("identical answers").isZero();
    }

    @Test
    void answersWithoutWaitingForTheMirrorAndRecordsTheComparison() throws Exception {
        CompletableFuture<Void> mirrorArrived = new CompletableFuture<>();
        CompletableFuture<Void> mirrorMayAnswer = new CompletableFuture<>();
        candidate.reset(exchange -> {
            mirrorArrived.complete(null);
            mirrorMayAnswer.thenRun(() -> exchange.vertx().runOnContext(v -> exchange.response()
                    .putHeader("Content-Type", "application/json")
                    .end(Recorded.text("openai", "completion.json").replace("How can I assist you today?", "What do you need?"))));
        });
        // a real stream lasts far longer than the tap takes to start; the gate makes that order certain here
        primary.reset(new StreamScript().await(mirrorArrived).events(Recorded.sseEvents("openai", "stream.sse")).end());

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"shadowed\",\"stream\":true,\"top_k\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        // the primary answered while the candidate still holds its answer back
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("openai");
        FakeUpstream.Received mirrored = candidate.takeRequest();
        assertThat(mirrored.json().get("model").asText()).isEqualTo("candidate-model");
        assertThat(mirrored.json().get("stream").asBoolean()).isFalse();
        assertThat(mirrored.json().get("top_k").asInt()).as("an OpenAI client's own fields reach the candidate").isEqualTo(5);

        mirrorMayAnswer.complete(null);
        JsonNode totals = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> JSON.readTree(gateway.get("/v1/caravan/routing").body()).path("mirrors")
                        .path("shadowed -> vllm/candidate-model"), node -> node.path("calls").asInt() == 1
                        && !node.path("mean_divergence").isNull());
        assertThat(Sse.events(response.body())).last().isEqualTo("[DONE]");
        assertThat(totals.get("errors").asInt()).isZero();
        assertThat(totals.get("output_tokens").asInt()).isEqualTo(10);
        assertThat(totals.get("mean_divergence").asDouble()).isBetween(0.01, 0.99);
    }
}
