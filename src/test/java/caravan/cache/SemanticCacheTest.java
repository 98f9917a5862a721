package caravan.cache;

import java.net.http.HttpResponse;

import caravan.telemetry.TelemetryNames;
import caravan.testing.FakeUpstream;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The semantic cache with the real embedding model (bge-small-en-v1.5, in process): a paraphrase is a
 * semantic hit when its similarity is above the threshold, an unrelated question is not; the earlier
 * conversation must match exactly; long conversations and hot sampling skip it; tenants never meet.
 */
class SemanticCacheTest {

    static final String MASTER = "sk-caravan-master-semantic";
    /** The default (GATEWAY_CACHE_SIMILARITY): the issue's own paraphrase must hit at it. */
    static final double THRESHOLD = 0.95;
    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;
    static ResponseCache cache;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.cache.mode", "semantic")
                .property("gateway.cache.similarity", Double.toString(THRESHOLD))
                .bean("openTelemetry", OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                        .build())
                .start();
        cache = gateway.context().getRegistry().lookupByNameAndType("responseCache", ResponseCache.class);
        // the model loads at start, on the pool: the tests begin once it answers
        cache.semantic().embeddings().embedNow("warm up");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void freshUpstream() {
        upstream.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
    }

    static String chat(String system, String question) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"" + system
                + "\"},{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    static HttpResponse<String> ask(String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + MASTER;
        System.arraycopy(headers, 0, all, 2, headers.length);
        HttpResponse<String> answer = gateway.post("/v1/chat/completions", body, all);
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer;
    }

    static String outcome(HttpResponse<?> answer) {
        return answer.headers().firstValue("x-caravan-cache").orElse("(none)");
    }

    /** Stores the question's answer and waits until the index holds it (its write is not waited for by the answer). */
    static void stored(String body, String... headers) {
        long before = cache.semantic().index().size();
        assertThat(outcome(ask(body, headers))).isEqualTo("miss");
        await().until(() -> {
            cache.semantic().index().upkeep();
            return cache.semantic().index().size() > before;
        });
    }

    @Test
    void aParaphraseIsASemanticHitAndAnUnrelatedQuestionIsNot() {
        stored(chat("You answer geography questions.", "what is the capital city of france"));

        HttpResponse<String> paraphrase = ask(chat("You answer geography questions.", "What's the capital of France?"));
        HttpResponse<String> unrelated = ask(chat("You answer geography questions.", "How do I bake sourdough bread at home?"));

        assertThat(outcome(paraphrase)).isEqualTo("semantic-hit");
        double similarity = Double.parseDouble(paraphrase.headers().firstValue("x-caravan-cache-similarity").orElseThrow());
        assertThat(similarity).isBetween(THRESHOLD, 1.0);
        assertThat(paraphrase.headers().firstValue("age")).isPresent();
        assertThat(paraphrase.body()).contains("Hello! How can I assist you today?");
        assertThat(outcome(unrelated)).isEqualTo("miss");
        assertThat(unrelated.headers().firstValue("x-caravan-cache-similarity")).isEmpty();
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void theRequestSpanCarriesTheOutcomeAndTheSimilarity() {
        stored(chat("You answer astronomy questions.", "how many planets are in the solar system"));
        SPANS.reset();

        HttpResponse<String> paraphrase = ask(chat("You answer astronomy questions.", "How many planets does the solar system have?"));
        String requestId = paraphrase.headers().firstValue("x-caravan-request-id").orElseThrow();

        assertThat(outcome(paraphrase)).isEqualTo("semantic-hit");
        SpanData request = await().until(() -> SPANS.getFinishedSpanItems().stream()
                .filter(span -> requestId.equals(span.getAttributes().get(AttributeKey.stringKey(TelemetryNames.CARAVAN_REQUEST_ID))))
                .findFirst().orElse(null), span -> span != null);
        assertThat(request.getAttributes().get(AttributeKey.stringKey(TelemetryNames.CARAVAN_CACHE_OUTCOME))).isEqualTo("semantic-hit");
        assertThat(request.getAttributes().get(AttributeKey.stringKey(TelemetryNames.CARAVAN_CACHE_KIND))).isEqualTo("semantic");
        assertThat(request.getAttributes().get(AttributeKey.doubleKey(TelemetryNames.CARAVAN_CACHE_SIMILARITY))).isBetween(THRESHOLD, 1.0);
        assertThat(SPANS.getFinishedSpanItems()).anySatisfy(span -> {
            assertThat(span.getName()).isEqualTo(TelemetryNames.SPAN_CACHE_LOOKUP);
            assertThat(span.getParentSpanId()).isEqualTo(request.getSpanId());
            assertThat(span.getAttributes().get(AttributeKey.stringKey(TelemetryNames.CARAVAN_CACHE_OUTCOME))).isEqualTo("semantic-hit");
        });
        // and no provider span: nothing was called
        assertThat(SPANS.getFinishedSpanItems()).noneSatisfy(span -> assertThat(span.getName()).startsWith("chat "));
    }

    @Test
    void anotherParaphrasePairHitsAndAHigherThresholdTurnsItIntoAMiss() {
        stored(chat("You are the help desk.", "How can I reset my password?"));

        HttpResponse<String> paraphrase = ask(chat("You are the help desk.", "how do i reset my password"));
        double similarity = Double.parseDouble(paraphrase.headers().firstValue("x-caravan-cache-similarity").orElseThrow());

        assertThat(outcome(paraphrase)).isEqualTo("semantic-hit");
        // the same pair under a threshold above its similarity: below it, a miss
        double stricter = Math.min(0.9999, similarity + 0.01);
        CacheSettings strict = new CacheSettings(CacheMode.SEMANTIC, 60, stricter, 1 << 20, 4, 1.0, false);
        SemanticCache.Question question = SemanticCache.question(
                caravan.dialect.openai.OpenAiDialect.INSTANCE.decodeRequest(
                        chat("You are the help desk.", "how do i reset my password").getBytes()),
                strict, "default", "openai/gpt-4o-mini");
        float[] vector = cache.semantic().embeddings().embedNow("how do i reset my password");
        assertThat(cache.semantic().index().search("default", question.context(), vector, stricter)).isNull();
        assertThat(cache.semantic().index().search("default", question.context(), vector, similarity - 0.01)).isNotNull();
    }

    @Test
    void theEarlierConversationMustMatchExactly() {
        stored(chat("You answer geography questions.", "which city is the capital of italy"));

        assertThat(outcome(ask(chat("You answer geography questions in French.", "What is the capital of Italy?"))))
                .isEqualTo("miss");
        assertThat(outcome(ask(chat("You answer geography questions.", "What is the capital of Italy?"))))
                .isEqualTo("semantic-hit");
    }

    @Test
    void tenantsNeverMeetInTheSemanticCache() {
        stored(chat("Be brief.", "which city is the capital of italy"), "x-caravan-tenant", "semantic-a");

        assertThat(outcome(ask(chat("Be brief.", "What is the capital of Italy?"), "x-caravan-tenant", "semantic-b")))
                .isEqualTo("miss");
        assertThat(outcome(ask(chat("Be brief.", "What is the capital of Italy?"), "x-caravan-tenant", "semantic-a")))
                .isEqualTo("semantic-hit");
    }

    @Test
    void longConversationsAndHotSamplingSkipTheSemanticCache() {
        String longConversation = """
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},
                 {"role":"user","content":"tell me a fact"},{"role":"assistant","content":"water is wet"},
                 {"role":"user","content":"%s"}]}""";
        ask(longConversation.formatted("what is the largest ocean on the planet"));
        String hot = """
                {"model":"openai/gpt-4o-mini","temperature":1.5,"messages":[{"role":"user","content":"%s"}]}""";
        ask(hot.formatted("what is the largest ocean on the planet"));
        long indexed = cache.semantic().index().size();

        assertThat(outcome(ask(longConversation.formatted("Which ocean is the biggest on Earth?")))).isEqualTo("miss");
        assertThat(outcome(ask(hot.formatted("Which ocean is the biggest on Earth?")))).isEqualTo("miss");
        cache.semantic().index().upkeep();
        // neither was indexed: only exact entries were stored
        assertThat(cache.semantic().index().size()).isEqualTo(indexed);
    }
}
