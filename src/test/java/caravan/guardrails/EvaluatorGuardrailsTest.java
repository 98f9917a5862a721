package caravan.guardrails;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import caravan.api.Json;
import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guardrails that ask someone else: a team's evaluator through the webhook Kamelet (allow, block, redact,
 * and a timeout failing open or closed), and OpenAI's moderation endpoint through the gateway's own provider
 * route (flagged, not flagged). The fakes record what they were asked.
 */
class EvaluatorGuardrailsTest {

    @TempDir
    static Path workDir;
    static FakeUpstream evaluator;
    static FakeUpstream openai;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        evaluator = FakeUpstream.start(verdict("allow"));
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        RoutingTestSupport.copyProject(workDir);
        String url = "http://127.0.0.1:" + evaluator.port() + "/evaluate";
        RoutingTestSupport.writePolicy(workDir, "evaluated", """
                - route:
                    id: evaluated
                    group: policies
                    from:
                      uri: direct:evaluated
                      steps:
                        - to:
                            uri: guardrail:webhook
                            parameters:
                              url: "%s"
                              timeoutMs: 300
                              action: redact
                        - to: model:openai/gpt-4o-mini
                - route:
                    id: evaluated-open
                    group: policies
                    from:
                      uri: direct:evaluated-open
                      steps:
                        - to:
                            uri: guardrail:webhook
                            parameters:
                              url: "%s"
                              timeoutMs: 300
                              failOpen: true
                        - to: model:openai/gpt-4o-mini
                - route:
                    id: moderated
                    group: policies
                    from:
                      uri: direct:moderated
                      steps:
                        - to: guardrail:moderation?action=block
                        - to: model:openai/gpt-4o-mini
                """.formatted(url, url));
        gateway = GatewayUnderTest.builder().workDir(workDir).openAi(openai).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        evaluator.close();
        openai.close();
    }

    @BeforeEach
    void reset() {
        evaluator.reset(verdict("allow"));
        openai.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
    }

    @Test
    void theEvaluatorIsAskedAboutTheNewestTextAndAllows() throws Exception {
        HttpResponse<String> response = chat("evaluated", "tell me about llamas");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("webhook=passed");
        JsonNode asked = evaluator.takeRequest().json();
        assertThat(asked.path("text").asText()).isEqualTo("tell me about llamas");
        assertThat(asked.path("stage").asText()).isEqualTo("pre");
        assertThat(asked.path("source").asText()).isEqualTo("user");
    }

    @Test
    void aBlockFromTheEvaluatorRefusesTheCall() throws Exception {
        evaluator.fallback(Answer.json(200, "{\"verdict\":\"block\",\"reason\":\"off-topic\"}"));

        HttpResponse<String> response = chat("evaluated-open", "tell me about llamas");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("webhook");
        assertThat(error.path("message").asText()).contains("off-topic");
        assertThat(openai.requestCount()).isZero();
    }

    @Test
    void aRedactionFromTheEvaluatorIsWhatTheProviderGets() throws Exception {
        evaluator.fallback(Answer.json(200, "{\"verdict\":\"redact\",\"reason\":\"names\",\"redacted_text\":\"tell me about [NAME]\"}"));

        HttpResponse<String> response = chat("evaluated", "tell me about Alice Smith");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("webhook=redacted");
        assertThat(new String(openai.takeRequest().body())).contains("tell me about [NAME]").doesNotContain("Alice");
    }

    @Test
    void aSlowEvaluatorFailsClosed() throws Exception {
        evaluator.fallback(Answer.delayed(2000, verdict("allow")));

        HttpResponse<String> response = chat("evaluated", "hello");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).at("/error/message").asText()).contains("could not be checked")
                .contains("300 ms");
        assertThat(openai.requestCount()).isZero();
    }

    @Test
    void aSlowEvaluatorFailsOpenWhenToldTo() {
        evaluator.fallback(Answer.delayed(2000, verdict("block")));

        HttpResponse<String> response = chat("evaluated-open", "hello");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("webhook=error");
    }

    @Test
    void aFailingEvaluatorFailsClosed() {
        evaluator.fallback(Answer.json(500, "{}"));

        assertThat(chat("evaluated", "hello").statusCode()).isEqualTo(400);
    }

    @Test
    void flaggedByTheModerationEndpointIsBlocked() throws Exception {
        openai.then(Answer.json(200, """
                {"id":"modr-1","model":"omni-moderation-latest","results":[{"flagged":true,
                 "categories":{"harassment":true,"violence":false},"category_scores":{"harassment":0.91,"violence":0.02}}]}"""));

        HttpResponse<String> response = chat("moderated", "something nasty");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).at("/error/message").asText()).contains("harassment");
        FakeUpstream.Received asked = openai.takeRequest();
        assertThat(asked.path()).isEqualTo("/v1/moderations");
        assertThat(asked.json().path("input").get(0).asText()).isEqualTo("something nasty");
        assertThat(asked.headers().get("Authorization")).isEqualTo("Bearer sk-test-provider");
        assertThat(openai.requestCount()).isZero();
    }

    @Test
    void notFlaggedGoesOnToTheModel() throws Exception {
        openai.then(Answer.json(200, """
                {"id":"modr-2","model":"omni-moderation-latest","results":[{"flagged":false,
                 "categories":{"harassment":false},"category_scores":{"harassment":0.01}}]}"""));

        HttpResponse<String> response = chat("moderated", "a kind word");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("moderation=passed");
        assertThat(openai.takeRequest().path()).isEqualTo("/v1/moderations");
        assertThat(openai.takeRequest().path()).isEqualTo("/v1/chat/completions");
    }

    private static HttpResponse<String> chat(String model, String text) {
        return gateway.post("/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"%s"}]}"""
                .formatted(model, text));
    }

    private static Answer verdict(String verdict) {
        return Answer.json(200, "{\"verdict\":\"" + verdict + "\"}");
    }
}
