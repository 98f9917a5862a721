package caravan.edge;

import java.net.http.HttpResponse;
import java.util.Map;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Non-streamed Chat Completions through the gateway to an OpenAI-compatible upstream. */
class ChatCompletionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = """
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}""";

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
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
        upstream.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
    }

    @Test
    void answersWithTheUpstreamCompletionByteForByte() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo(Recorded.text("openai", "completion.json"));
        FakeUpstream.Received request = upstream.takeRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.json().get("model").asText()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void saysWhatServedTheCallAndHowLongTheGatewayTook() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("openai");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("gpt-4o-mini");
        assertThat(response.headers().firstValue("x-caravan-overhead-ms")).hasValueSatisfying(
                overhead -> assertThat(Double.parseDouble(overhead)).isGreaterThanOrEqualTo(0));
    }

    @Test
    void resolvesBareModelNamesThroughTheCatalog() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("openai");
        assertThat(upstream.takeRequest().json().get("model").asText()).isEqualTo("gpt-4o");
    }

    @Test
    void passesFieldsItDoesNotKnowThroughUntouched() throws Exception {
        gateway.post("/v1/chat/completions", """
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],
                 "temperature":0.2,"logit_bias":{"50256":-100},"x_vendor_option":{"beam":[1,2,{"deep":true}]},
                 "prediction":{"type":"content","content":"draft"}}""");

        JsonNode forwarded = upstream.takeRequest().json();
        assertThat(forwarded.get("x_vendor_option")).isEqualTo(JSON.readTree("{\"beam\":[1,2,{\"deep\":true}]}"));
        assertThat(forwarded.get("prediction").get("content").asText()).isEqualTo("draft");
        assertThat(forwarded.get("logit_bias").get("50256").asInt()).isEqualTo(-100);
        assertThat(forwarded.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(forwarded.get("messages").get(0).get("content").get(0).get("text").asText()).isEqualTo("Hi");
    }

    @Test
    void forwardsTheClientsBytesWhenNothingNeedsRewriting() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",  \"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        gateway.post("/v1/chat/completions", body);

        assertThat(new String(upstream.takeRequest().body())).isEqualTo(body);
    }

    @Test
    void passesToolsAndToolCallsThrough() throws Exception {
        upstream.then(Answer.json(200, Recorded.text("openai", "completion-tool-calls.json")));
        String request = """
                {"model":"openai/gpt-4o-mini","messages":[
                  {"role":"user","content":"Weather in Boston?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"{\\"temp\\":22}"}],
                 "tools":[{"type":"function","function":{"name":"get_current_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}],
                 "tool_choice":"auto"}""";

        HttpResponse<String> response = gateway.post("/v1/chat/completions", request);

        assertThat(response.body()).isEqualTo(Recorded.text("openai", "completion-tool-calls.json"));
        JsonNode forwarded = upstream.takeRequest().json();
        assertThat(forwarded.get("tools")).isEqualTo(JSON.readTree(request).get("tools"));
        assertThat(forwarded.get("messages").get(2).get("tool_call_id").asText()).isEqualTo("call_1");
    }

    @Test
    void sendsTheProviderKeyAndNeverTheClientsHeaders() throws Exception {
        gateway.post("/v1/chat/completions", HELLO, "Authorization", "Bearer client-key", "x-secret", "s3cret");

        FakeUpstream.Received request = upstream.takeRequest();
        assertThat(request.headers().get("Authorization")).isEqualTo("Bearer sk-test-provider");
        assertThat(request.headers().get("x-secret")).isNull();
    }

    @Test
    void passesUpstreamClientErrorsThroughWithTheUpstreamsMessage() throws Exception {
        upstream.then(Answer.json(400, Recorded.text("openai", "error-400.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(Recorded.text("openai", "error-400.json")));
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("openai");
    }

    @Test
    void answersAProviderRefusingTheGatewaysKeyWith502NotTheClients401() throws Exception {
        upstream.then(Answer.json(401, Recorded.text("openai", "error-401.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).as("401 stays the gateway's answer to the client's own key").isEqualTo(502);
        assertThat(error(response).get("type").asText()).isEqualTo("upstream_error");
        assertThat(error(response).get("code").asText()).isEqualTo("provider_authentication_error");
        assertThat(error(response).get("message").asText()).contains("openai").doesNotContain("sk-");
    }

    @Test
    void passesRateLimitsThroughWithRetryAfter() throws Exception {
        upstream.then(Answer.json(429, Recorded.text("openai", "error-429.json"), Map.of("Retry-After", "20")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("20");
        assertThat(error(response).get("message").asText()).startsWith("Rate limit reached for gpt-4o-mini");
    }

    @Test
    void turnsUpstreamServerErrorsInto502WithTheUpstreamsMessage() throws Exception {
        upstream.then(Answer.json(500, Recorded.text("openai", "error-500.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(error(response).get("message").asText())
                .isEqualTo("The server had an error while processing your request. Sorry about that!");
    }

    @Test
    void turnsAnUpstreamErrorPageInto502WithoutTheHtml() throws Exception {
        upstream.then(exchange -> exchange.response().setStatusCode(503).putHeader("Content-Type", "text/html")
                .end("<html><body>Service Unavailable</body></html>"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).doesNotContain("<html>");
        assertThat(error(response).get("message").asText()).isEqualTo("The upstream provider answered HTTP 503.");
    }

    @Test
    void answers504WhenTheUpstreamDoesNotAnswerInTime() throws Exception {
        upstream.then(Answer.hang());

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(error(response).get("code").asText()).isEqualTo("upstream_timeout");
    }

    @Test
    void answers502WhenTheUpstreamRefusesConnections() throws Exception {
        try (GatewayUnderTest refused = GatewayUnderTest.builder()
                .property("providers.openai.base-url", "http://127.0.0.1:" + GatewayUnderTest.freePort() + "/v1")
                .property("providers.openai.api-key", "sk-test")
                .start()) {
            HttpResponse<String> response = refused.post("/v1/chat/completions", HELLO);

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(error(response).get("message").asText()).contains("connection refused");
        }
    }

    @Test
    void answers502WhenTheUpstreamSendsSomethingThatIsNotACompletion() throws Exception {
        upstream.then(Answer.json(200, "not json at all"));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(error(response).get("type").asText()).isEqualTo("upstream_error");
    }

    static JsonNode error(HttpResponse<String> response) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.has("error")).as("OpenAI error shape: %s", response.body()).isTrue();
        return body.get("error");
    }
}
