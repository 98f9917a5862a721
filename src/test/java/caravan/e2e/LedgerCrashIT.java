package caravan.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import caravan.store.TestPostgres;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.LedgerJournalFiles;
import caravan.testing.LedgerRows;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged gateway's usage ledger when the process dies: killed (SIGKILL) while a store write is half
 * done, killed just after the journal forgot what the store took, and stopped (SIGTERM) with records still
 * queued. After a restart on the same data folder every answered call is in the ledger exactly once.
 */
class LedgerCrashIT {

    static final String MASTER = "sk-caravan-e2e-ledger";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDir;
    FakeUpstream upstream;
    Path dataDir;
    final HttpClient http = HttpClient.newHttpClient();
    final List<GatewayProcess> started = new ArrayList<>();
    TestPostgres postgres;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        dataDir = workDir.resolve("data");
    }

    @AfterEach
    void stop() throws Exception {
        for (GatewayProcess gateway : started) {
            gateway.close();
        }
        upstream.close();
        if (postgres != null) {
            postgres.close();
        }
    }

    GatewayProcess gateway(Map<String, String> settings) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "GATEWAY_MASTER_KEY", MASTER,
                "GATEWAY_DATA_DIR", dataDir.toString(),
                "OPENAI_BASE_URL", upstream.baseUrl(),
                "OPENAI_API_KEY", "sk-provider-e2e"));
        environment.putAll(settings);
        GatewayProcess gateway = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), environment);
        started.add(gateway);
        return gateway.awaitReady();
    }

    List<String> call(GatewayProcess gateway, int calls) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                    .header("Authorization", "Bearer " + MASTER).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-4o-mini\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            ids.add(answer.headers().firstValue("x-caravan-request-id").orElseThrow());
        }
        return ids;
    }

    long ledgerRequests(GatewayProcess gateway) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/admin/usage")))
                .header("Authorization", "Bearer " + MASTER).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).at("/data/0/requests").asLong(0);
    }

    @Test
    void aProcessKilledWhileAStoreWriteIsHalfDoneLosesNothingAndDoublesNothing() throws Exception {
        postgres = TestPostgres.createDatabase();
        LedgerRows ledger = new LedgerRows(postgres::connect);
        // each store write commits, then waits ten minutes before its segments are forgotten
        GatewayProcess first = gateway(Map.of("DATABASE_URL", postgres.url(), "GATEWAY_LEDGER_WRITE_DELAY_MS", "600000"));
        Set<String> answered = new HashSet<>(call(first, 5));
        // the first write has committed: its rows are in the store, its segment still in the journal
        await().atMost(10, TimeUnit.SECONDS).until(() -> ledger.count() > 0);
        answered.addAll(call(first, 30));
        // everything answered is on disk, the rows written first included
        await().atMost(10, TimeUnit.SECONDS).until(() -> LedgerJournalFiles.requestIds(dataDir).containsAll(answered));
        assertThat(ledger.count()).isBetween(1L, 5L);
        first.kill();

        gateway(Map.of("DATABASE_URL", postgres.url()));
        await().atMost(30, TimeUnit.SECONDS).until(() -> ledger.count() >= answered.size());
        assertThat(ledger.requestIds()).hasSize(35).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ledger.requestIds())).isEqualTo(answered);
        await().atMost(10, TimeUnit.SECONDS).until(() -> LedgerJournalFiles.segments(dataDir) == 0);
    }

    @Test
    void rowsTheJournalForgotAreInTheEmbeddedDatabaseEvenWhenTheProcessDiesAtOnce() throws Exception {
        GatewayProcess first = gateway(Map.of());
        List<String> answered = call(first, 40);
        // the store took them all and the journal forgot them: from now on the H2 file alone holds them
        await().atMost(10, TimeUnit.SECONDS).until(() -> ledgerRequests(first) == answered.size()
                && LedgerJournalFiles.segments(dataDir) == 0);
        first.kill();

        assertThat(ledgerRequests(gateway(Map.of()))).isEqualTo(answered.size());
    }

    @Test
    void sigtermWritesWhatIsStillQueuedBeforeTheProcessExits() throws Exception {
        GatewayProcess first = gateway(Map.of());
        List<String> answered = call(first, 25);
        // at once: the last records are still in the queue
        first.terminate();
        first.awaitExit();
        assertThat(LedgerJournalFiles.segments(dataDir)).as("nothing left for the next start").isZero();

        assertThat(ledgerRequests(gateway(Map.of()))).isEqualTo(answered.size());
    }
}
