package caravan.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider key travels from the configuration through the provider route and its Kamelet into an
 * endpoint parameter, and Camel URI-decodes endpoint parameters: a key must reach the upstream exactly as
 * configured, whatever URI syntax it happens to contain.
 */
class ApiKeyVerbatimTest {

    /** '+' decodes to a space, '%2F' to '/', '%zz' is no escape at all, '&' and '=' would start another parameter. */
    private static final String KEY = "sk-a+b%2Fc%zz&keyRequired=false&d=e+";

    static FakeUpstream openai;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder()
                .property("providers.openai.base-url", openai.baseUrl())
                .property("providers.openai.api-key", KEY)
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
    }

    @Test
    void aKeyWithUriSyntaxReachesTheUpstreamIntact() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(openai.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + KEY);
    }
}
