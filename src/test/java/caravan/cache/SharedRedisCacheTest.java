package caravan.cache;

import java.net.http.HttpResponse;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.PrometheusScrape;
import caravan.testing.Recorded;
import caravan.testing.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway instances sharing one real Redis (this class's own redis-server), in semantic mode: an answer
 * one stored is an exact hit on the other, and its question, followed through the Redis stream, a semantic
 * hit there; with Redis down both keep answering, from their embedded caches, and count it.
 */
class SharedRedisCacheTest {

    static RedisServerProcess redis;
    static FakeUpstream upstream;
    static GatewayUnderTest a;
    static GatewayUnderTest b;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.startRequired();
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        a = instance();
        b = instance();
        for (GatewayUnderTest gateway : new GatewayUnderTest[] {a, b}) {
            cacheOf(gateway).semantic().embeddings().embedNow("warm up");
        }
    }

    static ResponseCache cacheOf(GatewayUnderTest gateway) {
        return gateway.context().getRegistry().lookupByNameAndType("responseCache", ResponseCache.class);
    }

    static GatewayUnderTest instance() {
        return GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.cache.mode", "semantic")
                .property("gateway.redis-url", redis.url())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {a, b, upstream, redis}) {
            if (started != null) {
                started.close();
            }
        }
    }

    static String chat(String question) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    static String cache(GatewayUnderTest gateway, String body) {
        HttpResponse<String> answer = gateway.post("/v1/chat/completions", body);
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.headers().firstValue("x-caravan-cache").orElse("(none)");
    }

    @Test
    void anAnswerStoredByOneInstanceIsAHitOnTheOther() throws Exception {
        int before = upstream.requestCount();
        assertThat(cache(a, chat("shared across instances"))).isEqualTo("miss");
        // cacheStore's write is not waited for by the answer: the next call may come before Redis has it
        org.awaitility.Awaitility.await().until(() -> redisHas());
        assertThat(cache(b, chat("shared across instances"))).isEqualTo("hit");
        assertThat(cache(a, chat("shared across instances"))).isEqualTo("hit");
        assertThat(upstream.requestCount() - before).isEqualTo(1);
    }

    @Test
    void aQuestionCachedByOneInstanceIsASemanticHitOnTheOther() {
        String asked = "how many planets are in the solar system";
        assertThat(cache(a, chat(asked))).isEqualTo("miss");
        // b follows the stream: this very entry (not another test's, arriving late) reaches its index within a second or so
        SemanticCache semantic = cacheOf(b).semantic();
        CacheSettings settings = new CacheSettings(CacheMode.SEMANTIC, 60, 0.95, 1 << 20, 4, 1.0, false);
        SemanticCache.Question question = SemanticCache.question(
                caravan.dialect.openai.OpenAiDialect.INSTANCE.decodeRequest(chat(asked).getBytes()),
                settings, "default", "openai/gpt-4o-mini");
        float[] vector = semantic.embeddings().embedNow(asked);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> semantic.index().search("default", question.context(), vector, 0.99) != null);
        HttpResponse<String> paraphrase = b.post("/v1/chat/completions",
                chat("How many planets does the solar system have?"));

        assertThat(paraphrase.headers().firstValue("x-caravan-cache")).hasValue("semantic-hit");
        assertThat(paraphrase.headers().firstValue("x-caravan-cache-similarity")).isPresent();
    }

    private static boolean redisHas() throws Exception {
        Process cli = new ProcessBuilder("redis-cli", "-u", redis.url(), "--scan", "--pattern", "caravan:cache:e:*")
                .redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes());
        cli.waitFor();
        return !out.isBlank();
    }

    @Test
    void redisDownDegradesToTheEmbeddedCacheWithoutErrors() throws Exception {
        redis.stop();
        try {
            assertThat(cache(a, chat("while redis is down"))).isEqualTo("miss");
            // stored in a's embedded cache once the failed write came back: a hit there, never an error on either
            org.awaitility.Awaitility.await().until(() -> cache(a, chat("while redis is down")).equals("hit"));
            assertThat(cache(b, chat("while redis is down"))).isEqualTo("miss");
            String metrics = a.get("/metrics").body();
            assertThat(PrometheusScrape.value(metrics, "caravan_cache_fallbacks_total", "operation=\"get\"")).isPositive();
            assertThat(PrometheusScrape.value(metrics, "caravan_cache_fallbacks_total", "operation=\"put\"")).isPositive();
        } finally {
            redis.start();
        }
    }
}
