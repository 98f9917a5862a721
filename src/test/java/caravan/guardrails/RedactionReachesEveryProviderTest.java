package caravan.guardrails;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redacted request is re-encoded for every codec, so no provider is sent the original text, whichever API
 * the client spoke: the OpenAI and the Anthropic codec no longer pass the client's bytes through (they would
 * carry the card number), and every translating codec writes what the guardrail left. Each fake upstream
 * answers its own wire format; the test reads what it received.
 */
class RedactionReachesEveryProviderTest {

    private static final String CARD = "4111 1111 1111 1111";
    private static final String EMAIL = "ada.lovelace@example.org";
    private static final List<FakeUpstream> UPSTREAMS = new ArrayList<>();
    static FakeUpstream openai;
    static FakeUpstream azure;
    static FakeUpstream anthropic;
    static FakeUpstream gemini;
    static FakeUpstream bedrock;
    static FakeUpstream cohere;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        openai = upstream("openai", "completion.json");
        azure = upstream("azure", "completion.json");
        anthropic = upstream("anthropic", "message.json");
        gemini = upstream("gemini", "text.json");
        bedrock = upstream("bedrock", "completion.json");
        cohere = upstream("cohere", "completion.json");
        gateway = GatewayUnderTest.builder().openAi(openai)
                .property("gateway.guardrails", "pii:redact")
                .property("providers.azure.base-url", "http://127.0.0.1:" + azure.port())
                .property("providers.azure.api-key", "azure-key")
                .property("providers.anthropic.base-url", "http://127.0.0.1:" + anthropic.port())
                .property("providers.anthropic.api-key", "sk-ant-provider")
                .property("providers.gemini.base-url", "http://127.0.0.1:" + gemini.port())
                .property("providers.gemini.api-key", "gemini-key")
                .property("providers.bedrock.base-url", "http://127.0.0.1:" + bedrock.port())
                .property("providers.bedrock.access-key", "AKIAIOSFODNN7EXAMPLE")
                .property("providers.bedrock.secret-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
                .property("providers.cohere.base-url", "http://127.0.0.1:" + cohere.port())
                .property("providers.cohere.api-key", "cohere-key")
                .start();
    }

    private static FakeUpstream upstream(String provider, String answer) {
        FakeUpstream upstream = FakeUpstream.start(Answer.json(200, Recorded.text(provider, answer)));
        UPSTREAMS.add(upstream);
        return upstream;
    }

    @AfterAll
    static void stop() {
        gateway.close();
        UPSTREAMS.forEach(FakeUpstream::close);
    }

    static Stream<Arguments> providers() {
        return Stream.of(
                // named as the provider knows it: where an OpenAI client's bytes would otherwise pass through untouched
                Arguments.of("gpt-4o-mini", "openai"),
                Arguments.of("openai/gpt-4o-mini", "openai"),
                // likewise an Anthropic client's bytes to Anthropic
                Arguments.of("claude-haiku-4-5", "anthropic"),
                Arguments.of("azure/my-deployment", "azure"),
                Arguments.of("anthropic/claude-haiku-4-5", "anthropic"),
                Arguments.of("gemini/gemini-2.5-flash", "gemini"),
                Arguments.of("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock"),
                Arguments.of("cohere/command-a-03-2025", "cohere"));
    }

    private static FakeUpstream upstreamOf(String name) {
        return switch (name) {
            case "openai" -> openai;
            case "azure" -> azure;
            case "anthropic" -> anthropic;
            case "gemini" -> gemini;
            case "bedrock" -> bedrock;
            default -> cohere;
        };
    }

    @ParameterizedTest(name = "OpenAI client, {0}")
    @MethodSource("providers")
    void anOpenAiClientsRedactedRequest(String model, String provider) throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"%s","max_tokens":100,"messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":[{"type":"text","text":"My card is %s and my mail %s"}]}]}"""
                .formatted(model, CARD, EMAIL));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertRedacted(upstreamOf(provider).takeRequest());
    }

    @ParameterizedTest(name = "Anthropic client, {0}")
    @MethodSource("providers")
    void anAnthropicClientsRedactedRequest(String model, String provider) throws Exception {
        HttpResponse<String> response = gateway.post("/v1/messages", """
                {"model":"%s","max_tokens":100,"system":"Be brief.",
                 "messages":[{"role":"user","content":"My card is %s and my mail %s"}]}"""
                .formatted(model, CARD, EMAIL));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertRedacted(upstreamOf(provider).takeRequest());
    }

    private static void assertRedacted(FakeUpstream.Received received) {
        String sent = new String(received.body());
        assertThat(sent).doesNotContain(CARD).doesNotContain(EMAIL).contains("[CREDIT_CARD]").contains("[EMAIL]");
        // the rest of the conversation is there as written
        assertThat(sent).contains("Be brief.").contains("My card is");
    }
}
