package caravan.guardrails;

import java.net.http.HttpResponse;

import caravan.api.Json;
import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guardrails and the response cache: the cache is keyed on the request as the guardrails left it and keeps
 * answers with their placeholders, so two callers whose questions differ only in what was redacted share one
 * answer, each restored with their own values and never the other's; a request the guardrails refuse never
 * reaches the cache.
 */
class CachedAnswersGuardrailsTest {

    private static final String MASTER = "sk-master-cached-guardrails";

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;
    static String alice;
    static String bob;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                 "message":{"role":"assistant","content":"I will write to [EMAIL_1] today."},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}"""));
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.cache.mode", "exact")
                .property("gateway.guardrails", "secrets:block")
                .start();
        Admin admin = new Admin(gateway, MASTER);
        admin.createTenant("""
                {"id":"support","guardrails":[{"name":"pii","action":"redact","reversible":true}]}""");
        alice = admin.createKey("{\"tenant\":\"support\",\"name\":\"alice\"}").path("key").asText();
        bob = admin.createKey("{\"tenant\":\"support\",\"name\":\"bob\"}").path("key").asText();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void twoCallersShareAnAnswerEachWithTheirOwnValues() throws Exception {
        HttpResponse<String> first = chat(alice, "please email alice@example.org the invoice");
        HttpResponse<String> second = chat(bob, "please email bob@example.net the invoice");

        assertThat(content(first)).isEqualTo("I will write to alice@example.org today.");
        assertThat(second.headers().firstValue("x-caravan-cache")).hasValue("hit");
        assertThat(content(second)).isEqualTo("I will write to bob@example.net today.").doesNotContain("alice");
        assertThat(new String(upstream.takeRequest().body())).contains("please email [EMAIL_1] the invoice");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void aRefusedRequestNeverReachesTheCache() {
        HttpResponse<String> refused = chat(alice, "my key is AKIAIOSFODNN7EXAMPLE");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("x-caravan-cache")).isEmpty();
    }

    private static HttpResponse<String> chat(String key, String text) {
        return gateway.post("/v1/chat/completions", """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"%s"}]}""".formatted(text),
                "Authorization", "Bearer " + key);
    }

    private static String content(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body()).at("/choices/0/message/content").asText();
    }
}
