package caravan.edge;

import java.net.http.HttpResponse;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static caravan.edge.ChatCompletionsTest.error;
import static org.assertj.core.api.Assertions.assertThat;

/** With GATEWAY_MASTER_KEY set, every /v1 call needs the key; health probes do not. */
class AuthenticationTest {

    private static final String HELLO = """
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}""";

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", "sk-caravan-master")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void rejectsACallWithoutAKey() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response).get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void rejectsAWrongKeyWithoutEchoingIt() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO,
                "Authorization", "Bearer sk-guess-123");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("sk-guess-123");
        assertThat(error(response).get("message").asText()).isEqualTo("Incorrect API key provided.");
    }

    @Test
    void rejectsBadInputOnlyAfterTheKey() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", "{not json");

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void acceptsTheKeyAsABearerToken() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO,
                "Authorization", "Bearer sk-caravan-master");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void acceptsTheKeyAsAnAnthropicStyleHeader() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO, "x-api-key", "sk-caravan-master");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void guardsTheModelList() {
        assertThat(gateway.get("/v1/models").statusCode()).isEqualTo(401);
        assertThat(gateway.get("/v1/models", "Authorization", "Bearer sk-caravan-master").statusCode()).isEqualTo(200);
    }

    @Test
    void leavesHealthProbesOpen() {
        assertThat(gateway.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    void neverForwardsTheGatewayKeyUpstream() throws Exception {
        upstream.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway.post("/v1/chat/completions", HELLO, "Authorization", "Bearer sk-caravan-master");

        FakeUpstream.Received request = upstream.takeRequest();
        assertThat(request.headers().get("Authorization")).isEqualTo("Bearer sk-test-provider");
        assertThat(request.headers().get("x-api-key")).isNull();
    }
}
