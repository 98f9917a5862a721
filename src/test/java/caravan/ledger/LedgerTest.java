package caravan.ledger;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.LedgerRows;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The usage ledger on the embedded H2 database: one row per model call, each exactly once, with who and what. */
class LedgerTest {

    static final String MASTER = "sk-caravan-master-ledger";
    static final String COMPLETION = Recorded.text("openai", "completion.json");

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    FakeUpstream upstream(Answer answer) {
        FakeUpstream upstream = FakeUpstream.start(answer);
        open.add(upstream);
        return upstream;
    }

    GatewayUnderTest gateway(FakeUpstream upstream, Path dataDir, String... properties) {
        GatewayUnderTest.Builder builder = GatewayUnderTest.builder().openAi(upstream).property("gateway.master-key", MASTER)
                .property("gateway.data-dir", dataDir.toString());
        for (int i = 0; i < properties.length; i += 2) {
            builder.property(properties[i], properties[i + 1]);
        }
        GatewayUnderTest gateway = builder.start();
        open.add(gateway);
        return gateway;
    }

    static String chat(boolean stream, String extra) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"stream\":" + stream + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    }

    static CompletableFuture<HttpResponse<String>> callLater(GatewayUnderTest gateway, String key, String body) {
        return GatewayUnderTest.http().sendAsync(gateway.request("/v1/chat/completions")
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String requestId(HttpResponse<?> answer) {
        return answer.headers().firstValue("x-caravan-request-id").orElseThrow();
    }

    @Test
    void twoHundredConcurrentCallsAreEachWrittenExactlyOnce() {
        FakeUpstream upstream = upstream(Answer.json(200, COMPLETION));
        GatewayUnderTest gateway = gateway(upstream, GatewayUnderTest.newDataDir());
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(callLater(gateway, MASTER, chat(false, "")));
        }
        Set<String> answered = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> answer = call.join();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            answered.add(requestId(answer));
        }
        assertThat(answered).hasSize(200);

        LedgerRows ledger = LedgerRows.of(gateway);
        await().atMost(10, TimeUnit.SECONDS).until(() -> ledger.count() >= 200);
        List<String> written = ledger.requestIds();
        assertThat(written).hasSize(200).doesNotHaveDuplicates();
        assertThat(new HashSet<>(written)).isEqualTo(answered);
        assertThat(Admin.json(gateway.get("/admin/usage", "Authorization", "Bearer " + MASTER)).at("/data/0/requests").asLong())
                .isEqualTo(200);
    }

    @Test
    void callsThatFindTheQueueFullGoStraightToTheJournalAndAreWrittenToo() {
        FakeUpstream upstream = upstream(Answer.json(200, COMPLETION));
        // a queue of 4 overflows many times over: the writer takes it every 200 ms
        GatewayUnderTest gateway = gateway(upstream, GatewayUnderTest.newDataDir(), "gateway.ledger.queue", "4");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(callLater(gateway, MASTER, chat(false, "")));
        }
        Set<String> answered = new HashSet<>();
        calls.forEach(call -> answered.add(requestId(call.join())));

        LedgerRows ledger = LedgerRows.of(gateway);
        await().atMost(10, TimeUnit.SECONDS).until(() -> ledger.count() >= 100);
        assertThat(ledger.requestIds()).hasSize(100).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ledger.requestIds())).isEqualTo(answered);
    }

    @Test
    void aRowSaysWhoAskedForWhatAndWhatItCost() {
        FakeUpstream upstream = upstream(Answer.json(200, COMPLETION));
        GatewayUnderTest gateway = gateway(upstream, GatewayUnderTest.newDataDir());
        Admin admin = new Admin(gateway, MASTER);
        var created = admin.createKey("{\"tenant\":\"search\",\"team\":\"ranking\",\"user\":\"svc-ranker\"}");
        String key = created.get("key").asText();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        HttpResponse<String> answer = gateway.post("/v1/chat/completions",
                chat(false, ",\"user\":\"alice\",\"metadata\":{\"session_id\":\"from-body\",\"task_id\":\"t-42\"}"),
                "Authorization", "Bearer " + key, "x-caravan-session", "s-7",
                "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        LedgerRows ledger = LedgerRows.of(gateway);
        String id = requestId(answer);
        await().atMost(10, TimeUnit.SECONDS).until(() -> ledger.row(id) != null);
        Map<String, Object> row = ledger.row(id);
        assertThat(row).containsEntry("tenant", "search").containsEntry("team", "ranking")
                .containsEntry("key_id", created.get("id").asText())
                // the request's end user wins over the key's own user
                .containsEntry("user_id", "alice")
                // the header wins over the body's metadata; the body names the task
                .containsEntry("session_id", "s-7").containsEntry("task_id", "t-42")
                .containsEntry("trace_id", traceId)
                .containsEntry("endpoint", "/v1/chat/completions").containsEntry("provider", "openai")
                .containsEntry("model", "gpt-4o-mini").containsEntry("requested_model", "openai/gpt-4o-mini")
                .containsEntry("attempts", 1).containsEntry("status", 200).containsEntry("stream", false)
                .containsEntry("input_tokens", 19L).containsEntry("output_tokens", 10L)
                .containsEntry("reasoning_tokens", 0L).containsEntry("usage_estimated", false);
        assertThat(row.get("error_type")).isNull();
        assertThat(row.get("ttfc_us")).isNull();
        // the cache is off by default: the cacheLookup step says so
        assertThat(row.get("cache_outcome")).isEqualTo("bypass");
        assertThat(row.get("cost_saved_usd")).isNull();
        assertThat((Long) row.get("latency_us")).isPositive();
        assertThat((Long) row.get("latency_us")).isGreaterThanOrEqualTo((Long) row.get("overhead_us"));
        // gpt-4o-mini's list prices: 19 tokens in at 0.15 and 10 out at 0.60 per million
        assertThat((BigDecimal) row.get("cost_usd")).isEqualByComparingTo("0.00000885");
        assertThat((Long) row.get("time_ms")).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
    }

    @Test
    void failedAndRefusedCallsAreWrittenTooWithWhoAsked() {
        FakeUpstream upstream = upstream(Answer.json(500, Recorded.text("openai", "error-500.json")));
        GatewayUnderTest gateway = gateway(upstream, GatewayUnderTest.newDataDir());
        Admin admin = new Admin(gateway, MASTER);
        String key = admin.createKey("{\"tenant\":\"search\",\"team\":\"ranking\",\"rpm\":1}").get("key").asText();

        HttpResponse<String> failed = gateway.post("/v1/chat/completions", chat(false, ""), "Authorization", "Bearer " + key,
                "x-caravan-task", "nightly-eval");
        HttpResponse<String> refused = gateway.post("/v1/chat/completions", chat(false, ""), "Authorization", "Bearer " + key,
                "x-caravan-task", "nightly-eval");
        assertThat(failed.statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(refused.statusCode()).isEqualTo(429);

        LedgerRows ledger = LedgerRows.of(gateway);
        await().atMost(10, TimeUnit.SECONDS).until(() -> ledger.count() == 2);
        Map<String, Object> upstreamError = ledger.row(requestId(failed));
        assertThat(upstreamError).containsEntry("task_id", "nightly-eval").containsEntry("team", "ranking")
                .containsEntry("status", failed.statusCode()).containsEntry("provider", "openai").containsEntry("attempts", 1);
        assertThat(upstreamError.get("error_type")).isNotNull();
        Map<String, Object> rateLimited = ledger.row(requestId(refused));
        assertThat(rateLimited).containsEntry("task_id", "nightly-eval").containsEntry("status", 429)
                .containsEntry("error_type", "rpm_limit").containsEntry("attempts", 0).containsEntry("input_tokens", 0L);
        assertThat(rateLimited.get("provider")).isNull();
    }

    @Test
    void aStreamIsWrittenOnceItsLastChunkWent() throws Exception {
        FakeUpstream upstream = upstream(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        GatewayUnderTest gateway = gateway(upstream, GatewayUnderTest.newDataDir());

        HttpResponse<String> answer = gateway.post("/v1/chat/completions",
                chat(true, ",\"stream_options\":{\"include_usage\":true}"), "Authorization", "Bearer " + MASTER,
                "x-caravan-session", "s-streamed", "x-caravan-user", "bob");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("[DONE]");

        LedgerRows ledger = LedgerRows.of(gateway);
        String id = requestId(answer);
        await().atMost(10, TimeUnit.SECONDS).until(() -> ledger.row(id) != null);
        Map<String, Object> row = ledger.row(id);
        assertThat(row).containsEntry("stream", true).containsEntry("status", 200).containsEntry("tenant", "default")
                .containsEntry("session_id", "s-streamed").containsEntry("user_id", "bob")
                .containsEntry("input_tokens", 19L).containsEntry("output_tokens", 8L);
        assertThat(row.get("key_id")).isNull();
        assertThat((Long) row.get("ttfc_us")).isPositive().isLessThanOrEqualTo((Long) row.get("latency_us"));
    }

    @Test
    void rowsWrittenBeforeARestartAreKeptAndNoneIsWrittenTwice() {
        FakeUpstream upstream = upstream(Answer.json(200, COMPLETION));
        Path dataDir = GatewayUnderTest.newDataDir();
        Set<String> answered = new HashSet<>();
        GatewayUnderTest first = gateway(upstream, dataDir);
        for (int i = 0; i < 30; i++) {
            answered.add(requestId(first.post("/v1/chat/completions", chat(false, ""), "Authorization", "Bearer " + MASTER)));
        }
        // no waiting for the writer: stopping writes what is left
        first.close();
        open.remove(first);

        GatewayUnderTest second = gateway(upstream, dataDir);
        LedgerRows ledger = LedgerRows.of(second);
        assertThat(ledger.count()).isEqualTo(30);
        for (int i = 0; i < 20; i++) {
            answered.add(requestId(second.post("/v1/chat/completions", chat(false, ""), "Authorization", "Bearer " + MASTER)));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> ledger.count() >= 50);
        assertThat(ledger.requestIds()).hasSize(50).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ledger.requestIds())).isEqualTo(answered);
        assertThat(dataDir.resolve("ledger")).isDirectory();
    }

    @Test
    void switchedOffTheLedgerWritesNothing() throws Exception {
        FakeUpstream upstream = upstream(Answer.json(200, COMPLETION));
        Path dataDir = GatewayUnderTest.newDataDir();
        GatewayUnderTest gateway = gateway(upstream, dataDir, "gateway.ledger", "off");

        assertThat(gateway.post("/v1/chat/completions", chat(false, ""), "Authorization", "Bearer " + MASTER).statusCode())
                .isEqualTo(200);
        gateway.close();
        open.remove(gateway);

        assertThat(Files.exists(dataDir.resolve("ledger"))).isFalse();
        GatewayUnderTest again = gateway(upstream, dataDir, "gateway.ledger", "off");
        assertThat(LedgerRows.of(again).count()).isZero();
    }
}
