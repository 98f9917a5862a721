package caravan.limits;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rate limits and budgets of keys, tenants and end users, in memory, as clients meet them. */
class LimitsAndBudgetsTest {

    static final String MASTER = "sk-caravan-master-limits";
    static final String COMPLETION = Recorded.text("openai", "completion.json");

    FakeUpstream upstream;
    GatewayUnderTest gateway;
    Admin admin;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start(Answer.json(200, COMPLETION));
        gateway = GatewayUnderTest.builder().openAi(upstream).property("gateway.master-key", MASTER).start();
        admin = new Admin(gateway, MASTER);
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    static String chat(String model, int maxTokens) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    }

    HttpResponse<String> call(String key, String body, String... headers) {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + key));
        all.addAll(List.of(headers));
        return gateway.post("/v1/chat/completions", body, all.toArray(String[]::new));
    }

    CompletableFuture<HttpResponse<String>> callLater(String key, String body, String... headers) {
        HttpRequest.Builder request = gateway.request("/v1/chat/completions").header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return GatewayUnderTest.http().sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsPerMinuteRefuseTheCallOverTheLimitWithOpenAisShape() {
        String key = admin.createKey("{\"tenant\":\"t-rpm\",\"rpm\":2}").get("key").asText();

        HttpResponse<String> first = call(key, chat("openai/gpt-4o-mini", 16));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
        assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).isEmpty();
        assertThat(call(key, chat("openai/gpt-4o-mini", 16)).headers().firstValue("x-ratelimit-remaining-requests"))
                .hasValue("0");

        HttpResponse<String> over = call(key, chat("openai/gpt-4o-mini", 16));
        assertThat(over.statusCode()).isEqualTo(429);
        JsonNode error = Admin.json(over).get("error");
        assertThat(error.get("type").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("code").asText()).isEqualTo("rpm_limit");
        assertThat(over.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
        assertThat(over.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        long retryAfter = Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(upstream.requestCount()).isEqualTo(2);
        assertThat(gateway.get("/metrics", "Authorization", "Bearer " + MASTER).body())
                .containsPattern("caravan_rate_limited_total\\{[^}]*reason=\"rpm_limit\"[^}]*tenant=\"t-rpm\"[^}]*} 1\\.0");
    }

    @Test
    void aCallWithoutAnyLimitCarriesNoRateLimitHeaders() {
        String key = admin.createKey("{\"tenant\":\"t-free\"}").get("key").asText();

        HttpResponse<String> answer = call(key, chat("openai/gpt-4o-mini", 16));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().map().keySet()).noneMatch(name -> name.startsWith("x-ratelimit"));
    }

    @Test
    void theTenantsLimitBindsAllItsKeysAndTheTightestLimitIsReported() {
        admin.createTenant("{\"id\":\"t-shared\",\"rpm\":3}");
        String one = admin.createKey("{\"tenant\":\"t-shared\",\"rpm\":100}").get("key").asText();
        String two = admin.createKey("{\"tenant\":\"t-shared\"}").get("key").asText();

        HttpResponse<String> first = call(one, chat("openai/gpt-4o-mini", 16));
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("2");
        assertThat(call(two, chat("openai/gpt-4o-mini", 16)).statusCode()).isEqualTo(200);
        assertThat(call(one, chat("openai/gpt-4o-mini", 16)).statusCode()).isEqualTo(200);
        HttpResponse<String> over = call(two, chat("openai/gpt-4o-mini", 16));
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(Admin.json(over).at("/error/code").asText()).isEqualTo("rpm_limit");
    }

    @Test
    void eachEndUserHasTheKeysPerUserLimit() {
        String key = admin.createKey("{\"tenant\":\"t-users\",\"user_rpm\":1}").get("key").asText();

        assertThat(call(key, chat("openai/gpt-4o-mini", 16), "x-caravan-user", "alice").statusCode()).isEqualTo(200);
        assertThat(call(key, chat("openai/gpt-4o-mini", 16), "x-caravan-user", "alice").statusCode()).isEqualTo(429);
        String asBob = "{\"model\":\"openai/gpt-4o-mini\",\"user\":\"bob\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        assertThat(call(key, asBob).statusCode()).isEqualTo(200);
        assertThat(call(key, asBob).statusCode()).isEqualTo(429);
    }

    @Test
    void tokensPerMinuteAdmitOnTheEstimateAndSettleOnTheRealUsage() {
        String key = admin.createKey("{\"tenant\":\"t-tpm\",\"tpm\":1000}").get("key").asText();

        // admitted for about 910 tokens; the answer used 29, so the rest comes back when it ends
        HttpResponse<String> first = call(key, chat("openai/gpt-4o-mini", 900));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("1000");
        assertThat(Long.parseLong(first.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow())).isLessThan(100);
        assertThat(call(key, chat("openai/gpt-4o-mini", 900)).statusCode()).isEqualTo(200);

        // while a call is in flight its whole estimate is held: a second one that may use 600 more does not fit
        upstream.reset(Answer.hang());
        CompletableFuture<HttpResponse<String>> held = callLater(key, chat("openai/gpt-4o-mini", 600),
                "x-caravan-timeout-ms", "3000");
        await().atMost(5, TimeUnit.SECONDS).until(() -> upstream.requestCount() == 1);
        HttpResponse<String> over = call(key, chat("openai/gpt-4o-mini", 600));
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(Admin.json(over).at("/error/code").asText()).isEqualTo("tpm_limit");
        assertThat(held.join().statusCode()).isEqualTo(504);
    }

    @Test
    void aStreamSettlesItsTokensWhenItEnds() {
        upstream.reset(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        String key = admin.createKey("{\"tenant\":\"t-stream\",\"tpm\":1000}").get("key").asText();
        String stream = "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"max_tokens\":900,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

        HttpResponse<String> first = call(key, stream);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("[DONE]");
        // another 900 plus input fits only because the stream's real usage (27) replaced its estimate
        assertThat(call(key, stream).statusCode()).isEqualTo(200);
    }

    @Test
    void requestsInFlightAreLimitedAndFreedWhenACallFails() {
        String key = admin.createKey("{\"tenant\":\"t-parallel\",\"max_parallel\":1}").get("key").asText();
        upstream.reset(Answer.hang());
        CompletableFuture<HttpResponse<String>> held = callLater(key, chat("openai/gpt-4o-mini", 16),
                "x-caravan-timeout-ms", "2000");
        await().atMost(5, TimeUnit.SECONDS).until(() -> upstream.requestCount() == 1);

        HttpResponse<String> second = call(key, chat("openai/gpt-4o-mini", 16));
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(Admin.json(second).at("/error/code").asText()).isEqualTo("parallel_limit");
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");

        assertThat(held.join().statusCode()).isEqualTo(504);
        upstream.reset(Answer.json(200, COMPLETION));
        assertThat(call(key, chat("openai/gpt-4o-mini", 16)).statusCode()).isEqualTo(200);
    }

    @Test
    void fiftyConcurrentCallsAgainstRoomForTenReservationsLetTenThrough() {
        // each call reserves its input and 100,000 output tokens of gpt-4o-mini: a little over $0.06
        String key = admin.createKey("{\"tenant\":\"t-budget\",\"budget_usd\":0.65}").get("key").asText();
        CompletableFuture<Void> release = new CompletableFuture<>();
        upstream.reset(exchange -> release.thenRun(() -> exchange.vertx().runOnContext(
                v -> Answer.json(200, COMPLETION).answer(exchange))));

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(callLater(key, chat("openai/gpt-4o-mini", 100_000)));
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> calls.stream().filter(CompletableFuture::isDone).count() == 40);
        release.complete(null);

        List<HttpResponse<String>> answers = calls.stream().map(CompletableFuture::join).toList();
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 200).hasSize(10);
        List<HttpResponse<String>> refused = answers.stream().filter(answer -> answer.statusCode() == 429).toList();
        assertThat(refused).hasSize(40);
        assertThat(Admin.json(refused.get(0)).at("/error/type").asText()).isEqualTo("insufficient_quota");
        assertThat(Admin.json(refused.get(0)).at("/error/code").asText()).isEqualTo("budget_exceeded");
        assertThat(upstream.requestCount()).isEqualTo(10);
    }

    @Test
    void aSpentBudgetRefusesBeforeAnyProviderIsCalled() {
        String key = admin.createKey("{\"tenant\":\"t-zero\",\"budget_usd\":0}").get("key").asText();

        HttpResponse<String> refused = call(key, chat("openai/gpt-4o-mini", 16));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Admin.json(refused).at("/error/code").asText()).isEqualTo("budget_exceeded");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void theTenantsBudgetBindsItsKeys() {
        admin.createTenant("{\"id\":\"t-tenant-budget\",\"budget_usd\":0}");
        String key = admin.createKey("{\"tenant\":\"t-tenant-budget\",\"budget_usd\":100}").get("key").asText();

        HttpResponse<String> refused = call(key, chat("openai/gpt-4o-mini", 16));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Admin.json(refused).at("/error/message").asText()).contains("tenant");
    }

    @Test
    void aFallbackToAPaidModelIsCheckedAgainstTheBudgetAgain() {
        // room for an unpriced model, not for 1,000 output tokens of gpt-4o ($0.01)
        String key = admin.createKey("{\"tenant\":\"t-fallback\",\"budget_usd\":0.001}").get("key").asText();
        upstream.reset(Answer.json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));

        HttpResponse<String> refused = call(key, "{\"model\":\"openai/free-model\",\"fallbacks\":[\"openai/gpt-4o\"],"
                + "\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Admin.json(refused).at("/error/code").asText()).isEqualTo("budget_exceeded");
        assertThat(upstream.requestCount()).isEqualTo(1);
    }

    @Test
    void withoutMaxTokensTheReservationIsClampedToWhatIsLeft() {
        // the default output cap (4,096 tokens of gpt-4o: $0.04) is more than the whole budget
        String key = admin.createKey("{\"tenant\":\"t-clamp\",\"budget_usd\":0.01}").get("key").asText();

        HttpResponse<String> small = call(key,
                "{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
    }

    @Test
    void spendIsShownAndSurvivesARestart() {
        Path data = GatewayUnderTest.newDataDir();
        gateway.close();
        gateway = GatewayUnderTest.builder().openAi(upstream).property("gateway.master-key", MASTER)
                .property("gateway.data-dir", data.toString()).start();
        admin = new Admin(gateway, MASTER);
        JsonNode created = admin.createKey("{\"tenant\":\"t-restart\",\"budget_usd\":5,\"budget_period\":\"day\"}");
        String id = created.get("id").asText();
        for (int i = 0; i < 3; i++) {
            assertThat(call(created.get("key").asText(), chat("openai/gpt-4o", 16)).statusCode()).isEqualTo(200);
        }
        // 3 x (19 input tokens at $2.50/M + 10 output tokens at $10/M)
        String spent = "0.0004425";
        await().atMost(5, TimeUnit.SECONDS).until(() -> admin.get("/admin/keys/" + id).get("spend_usd").decimalValue()
                .compareTo(new BigDecimal(spent)) == 0);
        // money is a plain decimal, never 4.425E-4
        assertThat(admin.call("GET", "/admin/keys/" + id, null).body()).contains("\"spend_usd\":" + spent);
        assertThat(admin.get("/admin/keys/" + id).get("budget_remaining_usd").decimalValue()).isEqualByComparingTo("4.9995575");

        gateway.close();
        gateway = GatewayUnderTest.builder().openAi(upstream).property("gateway.master-key", MASTER)
                .property("gateway.data-dir", data.toString()).start();
        admin = new Admin(gateway, MASTER);

        assertThat(admin.get("/admin/keys/" + id).get("spend_usd").decimalValue()).isEqualByComparingTo(spent);
        assertThat(call(created.get("key").asText(), chat("openai/gpt-4o", 16)).statusCode()).isEqualTo(200);
    }
}
