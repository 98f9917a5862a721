package caravan.ledger;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import caravan.store.Database;
import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code GET /admin/usage} and {@code GET /v1/caravan/usage} answer from a known ledger, whichever
 * database holds it: sums, nearest-rank latency percentiles, time ranges, tenants, CSV, refusals of bad
 * parameters, and a key that sees only its own calls. The known rows lie in January 2026 and every question
 * about them names that month, so the calls the tests make now are never in those answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UsageQueriesContractTest {

    static final String MASTER = "sk-caravan-master-usage";
    static final String JANUARY = "from=2026-01-01&to=2026-02-01";

    FakeUpstream upstream;
    GatewayUnderTest gateway;
    Admin admin;
    String keyA;
    String keyAId;
    String keyB;
    String keyBId;
    String keyCId;

    /** The gateway, with its master key and its openai provider at {@code upstream}, on the database under test. */
    protected abstract GatewayUnderTest startGateway(GatewayUnderTest.Builder builder);

    protected void stopStore() {
    }

    @BeforeAll
    void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = startGateway(GatewayUnderTest.builder().openAi(upstream).property("gateway.master-key", MASTER));
        admin = new Admin(gateway, MASTER);
        JsonNode a = admin.createKey("{\"tenant\":\"acme\",\"team\":\"search\",\"user\":\"u-a\"}");
        JsonNode b = admin.createKey("{\"tenant\":\"acme\",\"team\":\"ads\"}");
        JsonNode c = admin.createKey("{\"tenant\":\"globex\"}");
        keyA = a.get("key").asText();
        keyAId = a.get("id").asText();
        keyB = b.get("key").asText();
        keyBId = b.get("id").asText();
        keyCId = c.get("id").asText();

        List<LedgerRecord> rows = new ArrayList<>();
        // key A on gpt-4o-mini: ten calls on Jan 10, 10..100 ms, the last one failed
        for (int i = 1; i <= 10; i++) {
            rows.add(row("a-mini-" + i, "2026-01-10T0" + (i % 10) + ":00:00Z", "acme", "search", keyAId, "openai",
                    "gpt-4o-mini", null, i * 10, 100, 10, 0, 0, new BigDecimal("0.001"), i == 10 ? "upstream_error" : null,
                    "t1"));
        }
        // key A on claude-haiku-4-5: four calls on Jan 11, 200..800 ms, with cache reads
        for (int i = 1; i <= 4; i++) {
            rows.add(row("a-haiku-" + i, "2026-01-11T12:00:0" + i + "Z", "acme", "search", keyAId, "anthropic",
                    "claude-haiku-4-5", null, i * 200, 50, 5, 20, 0, new BigDecimal("0.0025"), null, "t2"));
        }
        // key B: five unpriced calls on Jan 11, one second each, with reasoning
        for (int i = 1; i <= 5; i++) {
            rows.add(row("b-" + i, "2026-01-11T23:59:5" + i + "Z", "acme", "ads", keyBId, "openai", "gpt-4o-mini", null,
                    1000, 30, 3, 0, 7, null, null, null));
        }
        // key C of another tenant, through the support route, on Jan 12
        for (int i = 1; i <= 3; i++) {
            rows.add(row("c-" + i, "2026-01-12T08:00:0" + i + "Z", "globex", null, keyCId, "openai", "gpt-4o-mini",
                    "support", 4 + i, 10, 1, 0, 0, new BigDecimal("0.01"), null, null));
        }
        // the master key, on Jan 12
        for (int i = 1; i <= 2; i++) {
            rows.add(row("m-" + i, "2026-01-12T09:00:0" + i + "Z", "default", null, null, "openai", "gpt-4o-mini", null,
                    50, 10, 1, 0, 0, new BigDecimal("0.0001"), null, null));
        }
        // a task id a client chose to look like a spreadsheet formula, alone in March
        rows.add(row("x-1", "2026-03-01T00:00:00Z", "acme", "search", keyAId, "openai", "gpt-4o-mini", null, 10, 1, 1, 0, 0,
                null, null, "=HYPERLINK(\"http://evil\",\"a, b\")"));
        Database database = gateway.context().getRegistry().lookupByNameAndType("database", Database.class);
        LedgerStore.of(database, Duration.ZERO)
                .insert(rows, refused -> { throw new AssertionError("refused " + refused); });
    }

    @AfterAll
    void stop() {
        gateway.close();
        upstream.close();
        stopStore();
    }

    static LedgerRecord row(String id, String time, String tenant, String team, String keyId, String provider,
                            String model, String route, long latencyMs, long in, long out, long cacheRead, long reasoning,
                            BigDecimal cost, String error, String task) {
        return new LedgerRecord(id, Instant.parse(time).toEpochMilli(), null, tenant, team, keyId, null, null, task,
                "/v1/chat/completions", route, provider, model, provider + "/" + model, 1, error == null ? 200 : 502,
                error, false, in, out, cacheRead, 0, reasoning, false, cost, latencyMs * 1000, null, 1000, null, null, null);
    }

    JsonNode usage(String query) {
        HttpResponse<String> answer = admin.call("GET", "/admin/usage?" + query, null);
        return Admin.ok(answer, 200).get("data");
    }

    static JsonNode group(JsonNode data, String field, String value) {
        for (JsonNode row : data) {
            if (value.equals(row.path("group").path(field).asText(null))) {
                return row;
            }
        }
        throw new AssertionError("no group " + field + "=" + value + " in " + data);
    }

    @Test
    void sumsEveryBucketPerTenantWithNearestRankPercentiles() {
        JsonNode data = usage("group_by=tenant&" + JANUARY);

        assertThat(data).hasSize(3);
        // ordered by the group's values
        assertThat(data.findValuesAsText("tenant")).containsExactly("acme", "default", "globex");
        JsonNode acme = group(data, "tenant", "acme");
        assertThat(acme.get("requests").asLong()).isEqualTo(19);
        assertThat(acme.get("errors").asLong()).isEqualTo(1);
        assertThat(acme.get("input_tokens").asLong()).isEqualTo(10 * 100 + 4 * 50 + 5 * 30);
        assertThat(acme.get("output_tokens").asLong()).isEqualTo(10 * 10 + 4 * 5 + 5 * 3);
        assertThat(acme.get("cache_read_tokens").asLong()).isEqualTo(80);
        assertThat(acme.get("cache_write_tokens").asLong()).isZero();
        assertThat(acme.get("reasoning_tokens").asLong()).isEqualTo(35);
        // key B's unpriced calls add nothing, and are not counted as 0 either: see the key's own group
        assertThat(acme.get("cost_usd").decimalValue()).isEqualByComparingTo("0.02");
        // 19 latencies: the 10th is 100 ms, the 19th 1000 ms
        assertThat(acme.get("latency_p50_ms").decimalValue()).isEqualByComparingTo("100");
        assertThat(acme.get("latency_p95_ms").decimalValue()).isEqualByComparingTo("1000");
        JsonNode globex = group(data, "tenant", "globex");
        assertThat(globex.get("latency_p50_ms").decimalValue()).isEqualByComparingTo("6");
        assertThat(globex.get("latency_p95_ms").decimalValue()).isEqualByComparingTo("7");
    }

    @Test
    void groupsByKeyAndModelWithinOneTenantAndAnUnpricedGroupCostsNull() {
        JsonNode data = usage("group_by=key,model&tenant=acme&" + JANUARY);

        assertThat(data).hasSize(3);
        for (JsonNode row : data) {
            assertThat(row.get("group").size()).isEqualTo(2);
        }
        JsonNode unpriced = group(data, "key", keyBId);
        assertThat(unpriced.path("group").path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(unpriced.get("requests").asLong()).isEqualTo(5);
        assertThat(unpriced.get("cost_usd").isNull()).isTrue();
        assertThat(unpriced.get("latency_p50_ms").decimalValue()).isEqualByComparingTo("1000");
        assertThat(data.toString()).doesNotContain(keyCId);
    }

    @Test
    void groupsByDayTeamTaskProviderAndRoute() {
        JsonNode days = usage("group_by=day&" + JANUARY);
        assertThat(days.findValuesAsText("day")).containsExactly("2026-01-10", "2026-01-11", "2026-01-12");
        assertThat(group(days, "day", "2026-01-11").get("requests").asLong()).isEqualTo(9);

        JsonNode byTask = usage("group_by=team,task&" + JANUARY);
        JsonNode t1 = group(byTask, "task", "t1");
        assertThat(t1.path("group").path("team").asText()).isEqualTo("search");
        assertThat(t1.get("requests").asLong()).isEqualTo(10);
        assertThat(t1.get("errors").asLong()).isEqualTo(1);

        assertThat(group(usage("group_by=provider&" + JANUARY), "provider", "anthropic").get("requests").asLong()).isEqualTo(4);
        assertThat(group(usage("group_by=route&" + JANUARY), "route", "support").get("requests").asLong()).isEqualTo(3);
    }

    @Test
    void fromIsInclusiveToIsExclusiveAndWithoutGroupByItIsOneTotal() {
        JsonNode eleventh = usage("from=2026-01-11&to=2026-01-12");
        assertThat(eleventh).hasSize(1);
        assertThat(eleventh.get(0).get("group").size()).isZero();
        assertThat(eleventh.get(0).get("requests").asLong()).isEqualTo(9);

        JsonNode instants = usage("from=2026-01-11T12:00:02Z&to=2026-01-11T12:00:04Z");
        assertThat(instants.get(0).get("requests").asLong()).isEqualTo(2);

        assertThat(usage("from=2025-01-01&to=2025-02-01")).isEmpty();
    }

    @Test
    void answersCsvWithTheGroupFieldsFirstAndOneHeaderRow() {
        HttpResponse<String> answer = gateway.get("/admin/usage?group_by=tenant,model&" + JANUARY,
                "Authorization", "Bearer " + MASTER, "Accept", "text/csv");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
        String[] lines = answer.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("tenant,model,requests,errors,input_tokens,output_tokens,cache_read_tokens,"
                + "cache_write_tokens,reasoning_tokens,cost_usd,latency_p50_ms,latency_p95_ms");
        assertThat(lines).hasSize(1 + 4);
        assertThat(lines).contains("acme,claude-haiku-4-5,4,0,200,20,80,0,0,0.01,400,800",
                "acme,gpt-4o-mini,15,1,1150,115,0,0,35,0.01,80,1000",
                "default,gpt-4o-mini,2,0,20,2,0,0,0,0.0002,50,50",
                "globex,gpt-4o-mini,3,0,30,3,0,0,0,0.03,6,7");
    }

    @Test
    void aCsvCellThatLooksLikeAFormulaIsText() {
        HttpResponse<String> answer = gateway.get("/admin/usage?group_by=task&from=2026-03-01&to=2026-04-01",
                "Authorization", "Bearer " + MASTER, "Accept", "text/csv");

        assertThat(answer.body().split("\r\n")[1]).startsWith("\"'=HYPERLINK(\"\"http://evil\"\",\"\"a, b\"\")\",1,");
    }

    @Test
    void badParametersAreOpenAiShaped400sNamingTheParameter() {
        assertBadParameter("group_by=colour", "group_by");
        assertBadParameter("group_by=model,model", "group_by");
        assertBadParameter("from=yesterday", "from");
        assertBadParameter("from=2026-02-01&to=2026-01-01", "to");
        assertBadParameter("colour=blue", "colour");
        assertBadParameter("tenant=acme&tenant=globex", "tenant");
        HttpResponse<String> own = gateway.get("/v1/caravan/usage?tenant=globex", "Authorization", "Bearer " + keyA);
        assertThat(own.statusCode()).isEqualTo(400);
        assertThat(Admin.json(own).at("/error/param").asText()).isEqualTo("tenant");
    }

    void assertBadParameter(String query, String param) {
        HttpResponse<String> answer = admin.call("GET", "/admin/usage?" + query, null);
        assertThat(answer.statusCode()).as(query + " -> " + answer.body()).isEqualTo(400);
        JsonNode error = Admin.json(answer).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @Test
    void aKeySeesOnlyItsOwnUsageAndNotTheAdminsView() {
        JsonNode own = Admin.ok(gateway.get("/v1/caravan/usage?" + JANUARY, "Authorization", "Bearer " + keyA), 200).get("data");
        // per model unless group_by says otherwise
        assertThat(own.findValuesAsText("model")).containsExactly("claude-haiku-4-5", "gpt-4o-mini");
        assertThat(group(own, "model", "gpt-4o-mini").get("requests").asLong()).isEqualTo(10);

        JsonNode byKey = Admin.ok(gateway.get("/v1/caravan/usage?group_by=key,tenant&" + JANUARY,
                "Authorization", "Bearer " + keyA), 200).get("data");
        assertThat(byKey).hasSize(1);
        assertThat(byKey.get(0).path("group").path("key").asText()).isEqualTo(keyAId);
        assertThat(byKey.get(0).get("requests").asLong()).isEqualTo(14);

        HttpResponse<String> admin = gateway.get("/admin/usage", "Authorization", "Bearer " + keyA);
        assertThat(admin.statusCode()).isEqualTo(403);
    }

    @Test
    void callsMadeNowAreCountedForTheirKeyAlone() {
        String chat = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        String today = "from=" + Instant.now().minus(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertThat(gateway.post("/v1/chat/completions", chat, "Authorization", "Bearer " + keyB).statusCode()).isEqualTo(200);
        }
        assertThat(gateway.post("/v1/chat/completions", chat, "Authorization", "Bearer " + MASTER).statusCode()).isEqualTo(200);

        await().atMost(10, TimeUnit.SECONDS).until(() -> usage("group_by=key&" + today).size() == 2);
        JsonNode mine = Admin.ok(gateway.get("/v1/caravan/usage?" + today, "Authorization", "Bearer " + keyB), 200).get("data");
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).get("requests").asLong()).isEqualTo(3);
        assertThat(mine.get(0).get("input_tokens").asLong()).isEqualTo(3 * 19);
        JsonNode masters = Admin.ok(gateway.get("/v1/caravan/usage?" + today, "Authorization", "Bearer " + MASTER), 200)
                .get("data");
        assertThat(masters.get(0).get("requests").asLong()).isEqualTo(1);
        assertThat(Admin.ok(gateway.get("/v1/caravan/usage?" + today, "Authorization", "Bearer " + keyA), 200).get("data"))
                .isEmpty();
    }
}
