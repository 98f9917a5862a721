package caravan.cache;

import java.math.BigDecimal;
import java.util.Map;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.FakeUpstream.StreamScript;
import caravan.testing.GatewayUnderTest;
import caravan.testing.LedgerRows;
import caravan.testing.Recorded;
import caravan.testing.Sse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exact cache through the running gateway (GATEWAY_CACHE=exact): a repeated question is answered
 * without a provider call, whatever the order of its keys, its delivery or its dialect; only whole,
 * successful answers are stored; Cache-Control and x-caravan-cache-ttl steer it unless the key is barred;
 * tenants never share an entry. Each test asks its own question, so tests share the gateway but no entry.
 */
class ExactCacheTest {

    static final String MASTER = "sk-caravan-master-cache";
    static final String COMPLETION = Recorded.text("openai", "completion.json");
    static final List<String> STREAM = Recorded.sseEvents("openai", "stream.sse");

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, COMPLETION));
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.cache.mode", "exact")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void freshUpstream() {
        upstream.reset(Answer.json(200, COMPLETION));
    }

    static String chat(String question) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\""
                + question + "\"}]}";
    }

    static HttpResponse<String> post(String body, String... headers) {
        return postTo("/v1/chat/completions", body, headers);
    }

    static HttpResponse<String> postTo(String path, String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + MASTER;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return gateway.post(path, body, all);
    }

    static String cacheHeader(HttpResponse<?> response) {
        return response.headers().firstValue("x-caravan-cache").orElse("(none)");
    }

    @Test
    void theSecondIdenticalCallIsAnsweredWithoutTheProvider() {
        HttpResponse<String> first = post(chat("exact hit"));
        HttpResponse<String> second = post(chat("exact hit"));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(cacheHeader(first)).isEqualTo("miss");
        assertThat(first.headers().firstValue("age")).isEmpty();
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(cacheHeader(second)).isEqualTo("hit");
        assertThat(second.headers().firstValue("age")).hasValueSatisfying(age -> assertThat(Long.parseLong(age)).isBetween(0L, 5L));
        assertThat(second.body()).isEqualTo(first.body());
        // the answer's own provider and model; no attempt was made
        assertThat(second.headers().firstValue("x-caravan-provider")).hasValue("openai");
        assertThat(second.headers().firstValue("x-caravan-attempts")).isEmpty();
        assertThat(upstream.requestCount()).isEqualTo(1);
        assertThat(cacheHeader(post(chat("exact miss: another question")))).isEqualTo("miss");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void theLedgerRecordsAHitAtNoCostWithTheCostItSaved() {
        HttpResponse<String> first = post(chat("ledger of a hit"));
        HttpResponse<String> second = post(chat("ledger of a hit"));
        String missId = first.headers().firstValue("x-caravan-request-id").orElseThrow();
        String hitId = second.headers().firstValue("x-caravan-request-id").orElseThrow();
        LedgerRows ledger = LedgerRows.of(gateway);

        await().until(() -> ledger.requestIds().containsAll(List.of(missId, hitId)));

        Map<String, Object> miss = ledger.row(missId);
        Map<String, Object> hit = ledger.row(hitId);
        assertThat(miss.get("cache_outcome")).isEqualTo("miss");
        assertThat(miss.get("cost_saved_usd")).isNull();
        assertThat(hit.get("cache_outcome")).isEqualTo("hit");
        assertThat((BigDecimal) hit.get("cost_usd")).isZero();
        assertThat((BigDecimal) hit.get("cost_saved_usd")).isPositive().isEqualByComparingTo((BigDecimal) miss.get("cost_usd"));
    }

    @Test
    void keyOrderStreamAndUserDoNotMakeAnotherEntry() throws Exception {
        post(chat("normalised"));
        HttpResponse<String> reordered = post("""
                {"messages":[{"content":"normalised","role":"user"}],"user":"alice","max_tokens":64,
                 "metadata":{"team":"x"},"model":"gpt-4o-mini"}""");
        HttpResponse<String> streamed = post("""
                {"model":"openai/gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"user":"bob",
                 "max_tokens":64,"messages":[{"role":"user","content":"normalised"}]}""");

        assertThat(cacheHeader(reordered)).isEqualTo("hit");
        assertThat(cacheHeader(streamed)).isEqualTo("hit");
        assertThat(streamed.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(Sse.content(streamed.body())).isEqualTo("Hello! How can I assist you today?");
        assertThat(upstream.requestCount()).isEqualTo(1);
        // what changes the answer is another entry
        assertThat(cacheHeader(post(chat("normalised").replace("\"max_tokens\":64", "\"max_tokens\":64,\"temperature\":0.5"))))
                .isEqualTo("miss");
    }

    @Test
    void chatCompletionsAndMessagesShareAnEntry() throws Exception {
        post(chat("both dialects"));
        HttpResponse<String> anthropic = postTo("/v1/messages", """
                {"model":"openai/gpt-4o-mini","max_tokens":64,"messages":[{"role":"user","content":"both dialects"}]}""");

        assertThat(cacheHeader(anthropic)).isEqualTo("hit");
        JsonNode message = Admin.json(anthropic);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.at("/content/0/text").asText()).isEqualTo("Hello! How can I assist you today?");
        assertThat(message.at("/usage/output_tokens").asLong()).isEqualTo(10);
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void errorsAreNeverStored() {
        upstream.then(Answer.json(500, Recorded.text("openai", "error-500.json")));

        assertThat(post(chat("an error first")).statusCode()).isEqualTo(502);
        HttpResponse<String> after = post(chat("an error first"));

        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(cacheHeader(after)).isEqualTo("miss");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void answersThatCallToolsAreNotStoredUnlessTheRouteSaysSo() {
        upstream.reset(Answer.json(200, Recorded.text("openai", "completion-tool-calls.json")));

        assertThat(cacheHeader(post(chat("call a tool")))).isEqualTo("miss");
        assertThat(cacheHeader(post(chat("call a tool")))).isEqualTo("miss");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void aStreamCutMidwayIsNotStored() {
        String body = chat("a cut stream").replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");
        upstream.then(new StreamScript().events(STREAM.subList(0, 3)).cut());

        HttpResponse<String> cut = post(body);
        assertThat(cut.body()).doesNotContain("[DONE]");
        upstream.then(Answer.sse(STREAM));
        HttpResponse<String> whole = post(body);
        HttpResponse<String> again = post(body);

        assertThat(cacheHeader(whole)).isEqualTo("miss");
        assertThat(whole.body()).contains("[DONE]");
        assertThat(cacheHeader(again)).isEqualTo("hit");
        assertThat(Sse.content(again.body())).isEqualTo(Sse.content(whole.body()));
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void aStreamWhoseClientLeftIsNotStored() throws Exception {
        String body = chat("a cancelled stream").replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");
        CompletableFuture<Void> never = new CompletableFuture<>();
        StreamScript held = new StreamScript().events(STREAM.subList(0, 2)).await(never).events(STREAM.subList(2, STREAM.size())).end();
        upstream.then(held);

        HttpRequest request = gateway.request("/v1/chat/completions").header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + MASTER).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> streaming = GatewayUnderTest.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (Sse stream = new Sse(streaming.body())) {
            assertThat(stream.next()).contains("chat.completion.chunk");
        }
        // the client left: the gateway cancels the upstream
        assertThat(held.clientGone().await(10, TimeUnit.SECONDS)).isTrue();
        never.complete(null);
        upstream.then(Answer.sse(STREAM));

        HttpResponse<String> after = post(body);
        assertThat(cacheHeader(after)).isEqualTo("miss");
        assertThat(after.body()).contains("[DONE]");
    }

    @Test
    void noCacheAnswersAfreshAndStoresTheNewAnswer() {
        post(chat("no-cache"));
        upstream.reset(Answer.json(200, COMPLETION.replace("Hello! How can I assist you today?", "A fresh answer.")));

        HttpResponse<String> fresh = post(chat("no-cache"), "Cache-Control", "no-cache");
        HttpResponse<String> after = post(chat("no-cache"));

        assertThat(cacheHeader(fresh)).isEqualTo("miss");
        assertThat(fresh.body()).contains("A fresh answer.");
        assertThat(cacheHeader(after)).isEqualTo("hit");
        assertThat(after.body()).contains("A fresh answer.");
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void noStoreNeitherLooksUpNorStores() {
        post(chat("no-store"));

        HttpResponse<String> bypassed = post(chat("no-store"), "Cache-Control", "no-store");
        HttpResponse<String> notStored = post(chat("no-store, never stored"), "Cache-Control", "no-cache, no-store");
        HttpResponse<String> after = post(chat("no-store, never stored"));

        assertThat(cacheHeader(bypassed)).isEqualTo("bypass");
        assertThat(cacheHeader(notStored)).isEqualTo("bypass");
        assertThat(cacheHeader(after)).isEqualTo("miss");
        // the first call, the bypass (though an entry existed), the unstored one and the one after it
        assertThat(upstream.requestCount()).isEqualTo(4);
    }

    @Test
    void aKeyBarredByItsAdminCannotSteerTheCache() {
        Admin admin = new Admin(gateway, MASTER);
        String barred = admin.createKey("{\"tenant\":\"cache-barred\",\"cache_control\":false}").get("key").asText();
        String allowed = admin.createKey("{\"tenant\":\"cache-allowed\"}").get("key").asText();
        assertThat(admin.get("/admin/keys").toString()).contains("\"cache_control\":false");

        gateway.post("/v1/chat/completions", chat("barred"), "Authorization", "Bearer " + barred);
        HttpResponse<String> ignored = gateway.post("/v1/chat/completions", chat("barred"),
                "Authorization", "Bearer " + barred, "Cache-Control", "no-store", "x-caravan-cache-ttl", "1");
        HttpResponse<String> obeyed = gateway.post("/v1/chat/completions", chat("barred"),
                "Authorization", "Bearer " + allowed, "Cache-Control", "no-store");

        assertThat(cacheHeader(ignored)).isEqualTo("hit");
        assertThat(cacheHeader(obeyed)).isEqualTo("bypass");
    }

    @Test
    void anAnswerExpiresAfterTheTtlItWasStoredWith() {
        post(chat("short-lived"), "x-caravan-cache-ttl", "1");
        assertThat(cacheHeader(post(chat("short-lived")))).isEqualTo("hit");

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> cacheHeader(post(chat("short-lived"), "Cache-Control", "no-store")).equals("bypass")
                        && cacheHeader(post(chat("short-lived"))).equals("miss"));
        assertThat(post(chat("short-lived"), "x-caravan-cache-ttl", "0").statusCode()).isEqualTo(400);
    }

    @Test
    void tenantsNeverShareAnEntry() {
        HttpResponse<String> a = post(chat("per tenant"), "x-caravan-tenant", "tenant-a");
        HttpResponse<String> b = post(chat("per tenant"), "x-caravan-tenant", "tenant-b");
        HttpResponse<String> aAgain = post(chat("per tenant"), "x-caravan-tenant", "tenant-a");

        assertThat(cacheHeader(a)).isEqualTo("miss");
        assertThat(cacheHeader(b)).isEqualTo("miss");
        assertThat(cacheHeader(aAgain)).isEqualTo("hit");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void hitsAreCountedWithTheCostTheySaved() {
        post(chat("counted"));
        post(chat("counted"));

        String metrics = gateway.get("/metrics", "Authorization", "Bearer " + MASTER).body();
        assertThat(metrics).containsPattern("caravan_cache_requests_total\\{mode=\"exact\",outcome=\"hit\"\\} [1-9]");
        assertThat(metrics).containsPattern("caravan_cache_requests_total\\{mode=\"exact\",outcome=\"miss\"\\} [1-9]");
        JsonNode totals = Admin.json(gateway.get("/v1/caravan/stats", "Authorization", "Bearer " + MASTER)).path("totals");
        assertThat(totals.path("cacheHits").asLong()).isPositive();
        assertThat(totals.path("cacheHitRate").asDouble()).isPositive();
        // gpt-4o-mini's list price of the replayed answer's 19 + 10 tokens, at least once
        assertThat(totals.path("cacheCostSavedUsd").asDouble()).isGreaterThan(0);
    }
}
