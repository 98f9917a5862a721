package caravan.routing;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.FakeUpstream.StreamScript;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static caravan.testing.Sse.events;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry matrix and fallback chains against fake upstreams with injected faults: three
 * OpenAI-compatible providers (openai = first, vllm = second, mistral = third) and one that refuses
 * connections (groq).
 */
class FallbackAndRetryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK = Recorded.text("openai", "completion.json");

    @TempDir
    static Path workDir;
    static FakeUpstream first;
    static FakeUpstream second;
    static FakeUpstream third;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        first = FakeUpstream.start(Answer.json(200, OK));
        second = FakeUpstream.start(Answer.json(200, OK));
        third = FakeUpstream.start(Answer.json(200, OK));
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "chains", """
                - route:
                    id: chain
                    group: policies
                    from:
                      uri: direct:chain
                      steps:
                        - loadBalance:
                            customLoadBalancer:
                              ref: fallback
                            steps:
                              - to: model:openai/first-model
                              - to: model:vllm/second-model
                              - to: model:mistral/third-model
                - route:
                    id: refused-first
                    group: policies
                    from:
                      uri: direct:refused-first
                      steps:
                        - loadBalance:
                            customLoadBalancer:
                              ref: fallback
                            steps:
                              - to: model:groq/nobody-listens
                              - to: model:vllm/second-model
                - route:
                    id: stubborn
                    group: policies
                    from:
                      uri: direct:stubborn
                      steps:
                        - to: model:openai/first-model?retries=2
                - route:
                    id: long-context
                    group: policies
                    from:
                      uri: direct:long-context
                      steps:
                        - loadBalance:
                            customLoadBalancer:
                              ref: fallback
                            steps:
                              - to: model:openai/gpt-4o-mini
                              - to: model:openai/gpt-4o
                              - to: model:vllm/second-model
                              - to: model:openai/gpt-4.1
                - route:
                    id: relentless
                    group: policies
                    from:
                      uri: direct:relentless
                      steps:
                        - loadBalance:
                            customLoadBalancer:
                              ref: fallback
                            steps:
                              - to: model:openai/first-model?retries=100000
                              - to: model:vllm/second-model?retries=100000
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir)
                .property("providers.openai.base-url", first.baseUrl())
                .property("providers.openai.api-key", "sk-first")
                .property("providers.vllm.base-url", second.baseUrl())
                .property("providers.mistral.base-url", third.baseUrl())
                .property("providers.mistral.api-key", "sk-third")
                .property("providers.groq.base-url", "http://127.0.0.1:" + GatewayUnderTest.freePort() + "/v1")
                .property("providers.groq.api-key", "sk-refused")
                .property("routing.backoff-base-ms", "20")
                .property("routing.max-attempts", "4")
                // the retry matrix alone: breakers have their own test
                .property("routing.breaker.window", "1000")
                .property("routing.breaker.minimum-calls", "1000")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        first.close();
        second.close();
        third.close();
    }

    @BeforeEach
    void healthy() {
        first.reset(Answer.json(200, OK));
        second.reset(Answer.json(200, OK));
        third.reset(Answer.json(200, OK));
    }

    @Test
    void movesDownTheChainUntilAModelAnswersAndSaysWhatServed() {
        first.then(Answer.json(500, Recorded.text("openai", "error-500.json")));
        second.then(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}"));

        HttpResponse<String> response = chat("chain");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(OK);
        assertThat(response.headers().firstValue("x-caravan-route")).hasValue("chain");
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("mistral");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("third-model");
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("3");
        assertThat(List.of(first.requestCount(), second.requestCount(), third.requestCount())).containsExactly(1, 1, 1);
    }

    @Test
    void stopsAtAClientErrorWithoutTryingTheNextModel() throws Exception {
        first.then(Answer.json(400, Recorded.text("openai", "error-400.json")));

        HttpResponse<String> response = chat("chain");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/param").asText()).isEqualTo("temperature");
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("1");
        assertThat(second.requestCount() + third.requestCount()).isZero();
    }

    @Test
    void movesOnAtOnceFromARefusedConnection() {
        HttpResponse<String> response = chat("refused-first");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("vllm");
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("2");
    }

    @Test
    void movesOnFromAModelTheProviderDoesNotKnow() {
        first.then(Answer.json(404, "{\"error\":{\"message\":\"The model `first-model` does not exist\",\"code\":\"model_not_found\"}}"));

        HttpResponse<String> response = chat("chain");

        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("vllm");
    }

    @Test
    void retriesTheSameModelWithBackoffWhileItHasRetriesLeft() {
        first.then(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}"))
                .then(Answer.json(502, "{\"error\":{\"message\":\"bad gateway\"}}"));

        HttpResponse<String> response = chat("stubborn");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("3");
        assertThat(first.requestCount()).isEqualTo(3);
    }

    @Test
    void givesUpOnTheSameModelAfterItsRetries() throws Exception {
        first.fallback(Answer.json(503, "{\"error\":{\"message\":\"still busy\"}}"));

        HttpResponse<String> response = chat("stubborn");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).at("/error/message").asText()).isEqualTo("still busy");
        assertThat(first.requestCount()).isEqualTo(3);
    }

    @Test
    void waitsTheRetryAfterTheUpstreamAsksForBeforeRetrying() throws Exception {
        first.then(Answer.json(429, Recorded.text("openai", "error-429.json"), Map.of("Retry-After", "1")));

        HttpResponse<String> response = chat("stubborn");

        assertThat(response.statusCode()).isEqualTo(200);
        FakeUpstream.Received limited = first.takeRequest();
        FakeUpstream.Received retried = first.takeRequest();
        assertThat(retried.receivedAtNanos() - limited.receivedAtNanos()).isGreaterThanOrEqualTo(900_000_000L);
    }

    @Test
    void countsTheWaitBeforeARetryAsUpstreamTimeNotGatewayOverhead() {
        first.then(Answer.json(429, Recorded.text("openai", "error-429.json"), Map.of("Retry-After", "1")));

        HttpResponse<String> response = chat("stubborn");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Double.parseDouble(response.headers().firstValue("x-caravan-overhead-ms").orElseThrow()))
                .as("the second of Retry-After is the provider's, not the gateway's").isLessThan(500);
    }

    @Test
    void movesARequestTooLongForItsModelOnlyToALargerWindowAndNeverCoolsTheModel() throws Exception {
        String tooLong = "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens.\","
                + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";
        first.then(Answer.json(400, tooLong));

        HttpResponse<String> response = chat("long-context");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-model")).as("gpt-4o (128k) and vllm (window unknown) skipped")
                .hasValue("gpt-4.1");
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("2");
        assertThat(first.takeRequest().json().path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(first.takeRequest().json().path("model").asText()).isEqualTo("gpt-4.1");
        assertThat(second.requestCount()).isZero();

        HttpResponse<String> next = chat("long-context");

        assertThat(next.headers().firstValue("x-caravan-model")).as("the model that was too small is not cooling")
                .hasValue("gpt-4o-mini");
    }

    @Test
    void answersTooLongWhenNoLargerWindowRemains() throws Exception {
        String tooLong = "{\"error\":{\"message\":\"too long\",\"type\":\"invalid_request_error\","
                + "\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";
        first.fallback(Answer.json(400, tooLong));

        HttpResponse<String> response = chat("long-context");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("context_length_exceeded");
        assertThat(second.requestCount()).isZero();
    }

    @Test
    void capsTheAttemptsOfOneRequestHoweverItsRouteIsWritten() throws Exception {
        first.fallback(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}"));
        second.fallback(Answer.json(503, "{\"error\":{\"message\":\"busy too\"}}"));

        HttpResponse<String> response = chat("relentless");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("4");
        assertThat(first.requestCount() + second.requestCount()).isEqualTo(4);
    }

    @Test
    void skipsARateLimitedModelUntilItsRetryAfterHasPassed() {
        first.then(Answer.json(429, Recorded.text("openai", "error-429.json"), Map.of("Retry-After", "60")));

        HttpResponse<String> limited = chat("chain");
        HttpResponse<String> next = chat("chain");

        assertThat(limited.headers().firstValue("x-caravan-provider")).hasValue("vllm");
        assertThat(next.headers().firstValue("x-caravan-provider")).hasValue("vllm");
        assertThat(next.headers().firstValue("x-caravan-attempts")).hasValue("1");
        assertThat(first.requestCount()).isEqualTo(1);
        gateway.context().getComponent("model", ModelComponent.class).cooldowns().clear();
    }

    @Test
    void triesTheRequestsOwnFallbacksAndNeverForwardsThem() throws Exception {
        first.then(Answer.json(500, Recorded.text("openai", "error-500.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"openai/first-model","fallbacks":["vllm/second-model","mistral/third-model"],
                 "messages":[{"role":"user","content":"hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("vllm");
        assertThat(first.takeRequest().json().has("fallbacks")).isFalse();
        assertThat(second.takeRequest().json().has("fallbacks")).isFalse();
    }

    @Test
    void rejectsRequestFallbacksNobodyServes() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"openai/first-model","fallbacks":["acme/x"],"messages":[{"role":"user","content":"hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).at("/error/param").asText()).isEqualTo("fallbacks[0]");
    }

    @Test
    void keepsToTheDeadlineAcrossAllAttempts() throws Exception {
        first.then(Answer.hang());

        HttpResponse<String> response = chat("chain", "x-caravan-timeout-ms", "300");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(second.requestCount() + third.requestCount()).isZero();
    }

    @Test
    void failsAStreamOverWhileNothingReachedTheClient() {
        first.then(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}"));
        second.then(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", streamBody("chain"));

        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("vllm");
        assertThat(events(response.body())).last().isEqualTo("[DONE]");
    }

    @Test
    void neverFailsOverAStreamThatAlreadyReachedTheClient() {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        first.then(new StreamScript().events(events.subList(0, 2)).cut());

        HttpResponse<String> response = gateway.post("/v1/chat/completions", streamBody("chain"));

        List<String> received = events(response.body());
        assertThat(received).hasSize(3).doesNotContain("[DONE]");
        assertThat(received.get(2)).contains("\"error\"");
        assertThat(second.requestCount() + third.requestCount()).isZero();
    }

    private static HttpResponse<String> chat(String route, String... headers) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers);
    }

    private static String streamBody(String route) {
        return "{\"model\":\"" + route + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }
}
