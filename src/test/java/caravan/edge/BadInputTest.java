package caravan.edge;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static caravan.edge.ChatCompletionsTest.error;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets an OpenAI-shaped error with the right status, and never reaches a provider. */
class BadInputTest {

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.max-body-bytes", "4096")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON             | {"model":                                                             | 400 |          | invalid_json
            trailing garbage           | {"model":"gpt-4o","messages":[{"role":"user","content":"x"}]} extra   | 400 |          | invalid_json
            not an object              | ["model","gpt-4o"]                                                    | 400 |          | invalid_json
            missing model              | {"messages":[{"role":"user","content":"x"}]}                          | 400 | model    | missing_required_parameter
            model of the wrong type    | {"model":42,"messages":[{"role":"user","content":"x"}]}              | 400 | model    | invalid_type
            missing messages           | {"model":"gpt-4o"}                                                    | 400 | messages | missing_required_parameter
            messages of the wrong type | {"model":"gpt-4o","messages":"hi"}                                    | 400 | messages | invalid_type
            empty messages             | {"model":"gpt-4o","messages":[]}                                      | 400 | messages | empty_array
            unknown role               | {"model":"gpt-4o","messages":[{"role":"robot","content":"x"}]}       | 400 | messages[0].role | invalid_value
            temperature as text        | {"model":"gpt-4o","temperature":"warm","messages":[{"role":"user","content":"x"}]} | 400 | temperature | invalid_type
            temperature overflowing    | {"model":"gpt-4o","temperature":1e309,"messages":[{"role":"user","content":"x"}]}  | 400 | temperature | invalid_value
            top_p overflowing          | {"model":"gpt-4o","top_p":-1e400,"messages":[{"role":"user","content":"x"}]}      | 400 | top_p       | invalid_value
            stream as text             | {"model":"gpt-4o","stream":"yes","messages":[{"role":"user","content":"x"}]}      | 400 | stream | invalid_type
            unknown bare model         | {"model":"no-such-model","messages":[{"role":"user","content":"x"}]} | 404 | model    | model_not_found
            unknown provider           | {"model":"acme/gpt-4o","messages":[{"role":"user","content":"x"}]}   | 404 | model    | model_not_found
            provider without model     | {"model":"openai/","messages":[{"role":"user","content":"x"}]}       | 400 | model    | invalid_value
            """)
    void rejects(String description, String body, int status, String param, String code) throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", body);

        assertThat(response.statusCode()).as(description).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("param").isNull() ? null : error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(upstream.requestCount()).as("no provider was called").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            application/x-www-form-urlencoded | model=gpt-4o&messages=hi
            text/plain                        | hello
            application/json                  | hello
            """)
    void rejectsABodyThatIsNotJsonWhateverItsContentType(String contentType, String body) throws Exception {
        HttpResponse<String> response = GatewayUnderTest.send(gateway.request("/v1/chat/completions")
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void acceptsAJsonBodySentWithAnotherContentType() {
        HttpResponse<String> response = GatewayUnderTest.send(gateway.request("/v1/chat/completions")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"echo/echo-1\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void rejectsAnEmptyBody() throws Exception {
        HttpResponse<String> response = GatewayUnderTest.send(gateway.request("/v1/chat/completions")
                .POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void rejectsABodyOverTheLimitWith413() throws Exception {
        String big = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(8000) + "\"}]}";

        HttpResponse<String> response = gateway.post("/v1/chat/completions", big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(error(response).get("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void answersAnUnknownPathWithAnOpenAiShaped404() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/no-such-endpoint", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response).get("code").asText()).isEqualTo("unknown_url");
    }

    @Test
    void answersRouterErrorsOnTheAnthropicEndpointInAnthropicsShape() throws Exception {
        HttpResponse<String> tooLarge = gateway.post("/v1/messages", "{\"x\":\"" + "y".repeat(8000) + "\"}");
        HttpResponse<String> wrongMethod = gateway.get("/v1/messages");

        for (HttpResponse<String> response : List.of(tooLarge, wrongMethod)) {
            JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
            assertThat(body.get("type").asText()).isEqualTo("error");
            assertThat(body.at("/error/type").asText()).isNotBlank();
            assertThat(body.at("/error/message").asText()).isNotBlank();
        }
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
    }

    @Test
    void answersAWrongMethodWithAnOpenAiShaped405() throws Exception {
        HttpResponse<String> response = gateway.get("/v1/chat/completions");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(error(response).get("code").asText()).isEqualTo("method_not_allowed");
    }
}
