package caravan.routing;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cheapest model that meets the quality bar answers; an answer failing the post-check escalates to
 * the next, dearer model and lowers the cheap model's score until it no longer qualifies.
 */
class CostOptimizedRoutingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_REQUEST = """
            {"model":"cheapest-json","response_format":{"type":"json_object"},
             "messages":[{"role":"user","content":"Give me a JSON object"}]}""";

    @TempDir
    Path workDir;
    FakeUpstream cheap;
    FakeUpstream dear;
    GatewayUnderTest gateway;

    /** A gateway per test: quality scores are the gateway's memory, and each test starts from the prior. */
    @BeforeEach
    void start() throws Exception {
        cheap = FakeUpstream.start(Answer.json(200, completion("Sure! Here is your data: ok=true")));
        dear = FakeUpstream.start(Answer.json(200, completion("{\"ok\": true}")));
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "cheapest", """
                - route:
                    id: cheapest-json
                    group: policies
                    from:
                      uri: direct:cheapest-json
                      steps:
                        - loadBalance:
                            customLoadBalancer:
                              ref: cheapest
                            steps:
                              - pipeline:
                                  steps:
                                    - to: model:openai/gpt-5-mini
                                    - process:
                                        ref: checkJsonAnswer
                              - pipeline:
                                  steps:
                                    - to: model:mistral/mistral-small-latest
                                    - process:
                                        ref: checkJsonAnswer
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir)
                .property("providers.mistral.base-url", cheap.baseUrl())
                .property("providers.mistral.api-key", "sk-cheap")
                .property("providers.openai.base-url", dear.baseUrl())
                .property("providers.openai.api-key", "sk-dear")
                .start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        cheap.close();
        dear.close();
    }

    @Test
    void escalatesPastAnAnswerThatFailsThePostCheckUntilTheCheapModelNoLongerQualifies() throws Exception {
        HttpResponse<String> first = gateway.post("/v1/chat/completions", JSON_REQUEST);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-caravan-model")).hasValue("gpt-5-mini");
        assertThat(first.headers().firstValue("x-caravan-attempts")).hasValue("2");
        assertThat(cheap.requestCount()).as("the cheapest qualifying model was asked first").isEqualTo(1);

        gateway.post("/v1/chat/completions", JSON_REQUEST);
        JsonNode scores = JSON.readTree(gateway.get("/v1/caravan/routing").body()).get("quality_scores");
        assertThat(scores.get("mistral/mistral-small-latest").asDouble()).isLessThan(0.7);

        HttpResponse<String> third = gateway.post("/v1/chat/completions", JSON_REQUEST);
        assertThat(third.headers().firstValue("x-caravan-model")).hasValue("gpt-5-mini");
        assertThat(third.headers().firstValue("x-caravan-attempts")).hasValue("1");
        assertThat(cheap.requestCount()).isEqualTo(2);
    }

    @Test
    void creditsPostedFeedbackToTheModelThatAnswered() throws Exception {
        HttpResponse<String> answered = gateway.post("/v1/chat/completions", JSON_REQUEST);
        String requestId = answered.headers().firstValue("x-caravan-request-id").orElseThrow();

        HttpResponse<String> feedback = gateway.post("/v1/feedback",
                "{\"request_id\":\"" + requestId + "\",\"score\":0.25}");

        assertThat(feedback.statusCode()).as(feedback.body()).isEqualTo(200);
        assertThat(JSON.readTree(feedback.body()).get("model").asText()).isEqualTo("openai/gpt-5-mini");
        assertThat(JSON.readTree(feedback.body()).get("score").asDouble()).isLessThan(1.0);
        assertThat(gateway.post("/v1/feedback", "{\"request_id\":\"nope\",\"score\":1}").statusCode()).isEqualTo(404);
        assertThat(gateway.post("/v1/feedback", "{\"request_id\":\"" + requestId + "\",\"score\":7}").statusCode())
                .isEqualTo(400);
    }

    private static String completion(String content) {
        return JSON.createObjectNode().put("id", "chatcmpl-cost").put("object", "chat.completion").put("created", 1)
                .put("model", "m").set("choices", JSON.createArrayNode().add(JSON.createObjectNode().put("index", 0)
                        .put("finish_reason", "stop").set("message", JSON.createObjectNode().put("role", "assistant")
                                .put("content", content)))).toString();
    }
}
