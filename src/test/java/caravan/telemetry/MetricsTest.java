package caravan.telemetry;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static caravan.testing.PrometheusScrape.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every metric family the gateway feeds today is at GET /metrics and moves with traffic. */
class MetricsTest {

    private static final String KEY = "sk-gateway-metrics";
    private static final String OK = Recorded.text("openai", "completion.json");

    @TempDir
    static Path workDir;
    static FakeUpstream openai;
    static FakeUpstream vllm;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.start(Answer.json(200, OK));
        vllm = FakeUpstream.start(Answer.json(200, OK));
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "observed", """
                - route:
                    id: observed
                    group: policies
                    from:
                      uri: direct:observed
                      steps:
                        - wireTap:
                            uri: mirror:vllm/candidate-model
                        - to: model:openai/gpt-4o-mini
                        - process:
                            ref: checkJsonAnswer
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir).openAi(openai)
                .property("providers.vllm.base-url", vllm.baseUrl())
                .property("gateway.master-key", KEY)
                .property("routing.retries", "1")
                .property("routing.backoff-base-ms", "5")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
        vllm.close();
    }

    @Test
    void metricsNeedTheGatewayKeyWhenOneIsSet() {
        assertThat(gateway.get("/metrics").statusCode()).isEqualTo(401);
        HttpResponse<String> scrape = gateway.get("/metrics", "Authorization", "Bearer " + KEY);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(gateway.get("/metrics", "Authorization", "Bearer " + KEY, "Accept", "application/openmetrics-text")
                .body()).endsWith("# EOF\n");
    }

    @Test
    void everyFamilyFedTodayMovesWithTraffic() {
        String before = scrape();
        // a plain call, a streamed one, an unknown model, a retry, a fallback, a routed call with mirror and post-check
        assertThat(chat("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .statusCode()).isEqualTo(200);
        openai.then(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        assertThat(chat("{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .statusCode()).isEqualTo(200);
        assertThat(chat("{\"model\":\"nope/x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(404);
        openai.then(Answer.json(500, Recorded.text("openai", "error-500.json")));
        assertThat(chat("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .statusCode()).isEqualTo(200);
        openai.then(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}")).then(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}"));
        assertThat(chat("{\"model\":\"openai/gpt-4o-mini\",\"fallbacks\":[\"vllm/llama-3\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
        assertThat(chat("{\"model\":\"observed\",\"response_format\":{\"type\":\"json_object\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(502);
        assertThat(chat("{\"model\":\"observed\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode())
                .isEqualTo(200);
        await().until(() -> value(scrape(), "caravan_mirror_divergence_count", "route=\"observed\"") > 0);

        String after = scrape();
        String direct = "model=\"gpt-4o-mini\",provider=\"openai\",route=\"\"";
        assertMoved(before, after, "caravan_requests_total", direct + ",status=\"200\"", 3);
        assertMoved(before, after, "caravan_requests_total", "model=\"gpt-4o-mini\",provider=\"openai\",route=\"observed\",status=\"200\"", 1);
        assertMoved(before, after, "caravan_requests_total", "status=\"404\"", 1);
        assertMoved(before, after, "caravan_request_duration_seconds_count", direct, 3);
        assertMoved(before, after, "caravan_time_to_first_token_seconds_count", direct, 1);
        assertMoved(before, after, "caravan_gateway_overhead_seconds_count", "endpoint=\"/v1/chat/completions\"", 7);
        // five answers were paid for: four served, and the one the JSON post-check rejected
        assertMoved(before, after, "caravan_tokens_total", "provider=\"openai\",tenant=\"default\",type=\"input\"", 19 * 5);
        assertThat(value(after, "caravan_cost_usd_total", "provider=\"openai\",tenant=\"default\"")).isPositive();
        assertMoved(before, after, "caravan_retries_total", "model=\"gpt-4o-mini\",provider=\"openai\"", 2);
        assertMoved(before, after, "caravan_fallbacks_total", "model=\"gpt-4o-mini\",provider=\"openai\"", 1);
        assertMoved(before, after, "gen_ai_client_operation_duration_seconds_count",
                "error_type=\"\",gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\"", 5);
        assertThat(value(after, "gen_ai_client_operation_duration_seconds_count", "gen_ai_provider_name=\"openai\",gen_ai_request_model=\"gpt-4o-mini\"") )
                .isGreaterThan(value(after, "gen_ai_client_operation_duration_seconds_count", "error_type=\"\",gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"openai\""));
        assertMoved(before, after, "gen_ai_client_operation_time_to_first_chunk_seconds_count", "gen_ai_provider_name=\"openai\"", 1);
        assertMoved(before, after, "gen_ai_client_token_usage_count", "gen_ai_provider_name=\"openai\"", 5 * 2);
        assertThat(value(after, "gen_ai_client_token_usage_bucket", "gen_ai_token_type=\"input\",le=\"64.0\"")).isPositive();
        assertThat(value(after, "caravan_circuit_breaker_state", "provider=\"openai\",state=\"closed\"")).isEqualTo(1);
        assertMoved(before, after, "caravan_guardrail_checks_total", "guardrail=\"json_answer\",outcome=\"failed\",route=\"observed\",stage=\"post\"", 1);
        assertThat(value(after, "caravan_mirror_divergence_count", "route=\"observed\"")).isPositive();
        assertThat(after).contains("jvm_memory_used_bytes");
    }

    private static HttpResponse<String> chat(String body) {
        return gateway.post("/v1/chat/completions", body, "Authorization", "Bearer " + KEY);
    }

    private static String scrape() {
        return gateway.get("/metrics", "Authorization", "Bearer " + KEY).body();
    }

    private static void assertMoved(String before, String after, String name, String labels, double by) {
        assertThat(value(after, name, labels) - value(before, name, labels)).as(name + "{" + labels + "}").isEqualTo(by);
    }
}
