package caravan.edge;

import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import caravan.testing.FakeOpenAiGateway;
import caravan.testing.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model name is data: checked, then passed to the provider exactly as written, never pasted into an
 * endpoint URI where it could set options of the call or be decoded on the way.
 */
class ModelNamesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final FakeOpenAiGateway served = new FakeOpenAiGateway();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"openai/gpt-4o-mini?retries=100000", "openai/gpt-4o-mini?foo=1", "openai/gpt&x=1",
            "openai/gpt#frag", "openai/gpt\\u0000x", "openai/gpt\\nx", "openai/gpt\\u007fx"})
    void refusesNamesThatWouldMeanSomethingInAUriOrAHeader(String model) throws Exception {
        HttpResponse<String> response = chat("\"" + model + "\"", "");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("param").asText()).isEqualTo("model");
        assertThat(error.path("code").asText()).isEqualTo("invalid_value");
        assertThat(served.upstream().requestCount()).as("no provider was called").isZero();
    }

    @Test
    void refusesANameLongerThan256Characters() throws Exception {
        HttpResponse<String> tooLong = chat("\"openai/" + "m".repeat(250) + "\"", "");
        HttpResponse<String> longest = chat("\"openai/" + "m".repeat(249) + "\"", "");

        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooLong.body()).at("/error/param").asText()).isEqualTo("model");
        assertThat(tooLong.body().length()).as("the name is not echoed back").isLessThan(400);
        assertThat(longest.statusCode()).isEqualTo(200);
    }

    @Test
    void checksTheRequestsOwnFallbacksTheSameWay() throws Exception {
        HttpResponse<String> response = chat("\"openai/gpt-4o-mini\"", ",\"fallbacks\":[\"openai/x?retries=9\"]");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/param").asText()).isEqualTo("fallbacks[0]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            openai/gpt%2D4o          | gpt%2D4o
            openai/org/model%20name  | org/model%20name
            openai/модель-1          | модель-1
            """)
    void passesTheNameToTheProviderExactlyAsWritten(String model, String upstreamModel) throws Exception {
        HttpResponse<String> response = chat("\"" + model + "\"", "");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(served.upstream().takeRequest().json().path("model").asText()).isEqualTo(upstreamModel);
        String header = response.headers().firstValue("x-caravan-model").orElseThrow();
        assertThat(header).matches("[\\x20-\\x7e]+");
        assertThat(header.contains("%D0") ? URLDecoder.decode(header, StandardCharsets.UTF_8) : header)
                .isEqualTo(upstreamModel);
    }

    private static HttpResponse<String> chat(String model, String more) {
        return served.gateway().post("/v1/chat/completions", "{\"model\":" + model + more
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }
}
