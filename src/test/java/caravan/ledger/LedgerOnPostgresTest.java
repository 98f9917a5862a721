package caravan.ledger;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import caravan.store.TestPostgres;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.LedgerJournalFiles;
import caravan.testing.LedgerRows;
import caravan.testing.Recorded;
import caravan.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The usage ledger on PostgreSQL reached through a proxy the test can cut: calls answered while the store is
 * down are journaled on the gateway's disk and written, each once, when it is back; the answers never wait
 * for it. The rows are read straight from PostgreSQL, past the proxy.
 */
class LedgerOnPostgresTest {

    static final String MASTER = "sk-caravan-master-ledger-pg";

    TestPostgres postgres;
    TcpProxy proxy;
    FakeUpstream upstream;
    GatewayUnderTest gateway;
    Path dataDir;
    LedgerRows ledger;

    @BeforeEach
    void start() {
        postgres = TestPostgres.createDatabase();
        proxy = TcpProxy.to("127.0.0.1", 5432);
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        dataDir = GatewayUnderTest.newDataDir();
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.data-dir", dataDir.toString())
                .property("gateway.database-url", "postgresql://postgres@127.0.0.1:" + proxy.port() + "/" + postgres.name())
                .start();
        ledger = new LedgerRows(postgres::connect);
    }

    @AfterEach
    void stop() {
        proxy.restore();
        gateway.close();
        proxy.close();
        upstream.close();
        postgres.close();
    }

    List<String> callAtOnce(int calls) {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            sent.add(GatewayUnderTest.http().sendAsync(gateway.request("/v1/chat/completions")
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + MASTER)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-4o-mini\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<String> ids = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : sent) {
            HttpResponse<String> answer = call.join();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            ids.add(answer.headers().firstValue("x-caravan-request-id").orElseThrow());
        }
        return ids;
    }

    @Test
    void callsAnsweredWhileTheStoreIsDownAreWrittenOnceWhenItIsBack() {
        Set<String> answered = new HashSet<>(callAtOnce(5));
        await().atMost(10, TimeUnit.SECONDS).until(() -> ledger.count() == 5);

        proxy.cut();
        List<String> duringOutage = callAtOnce(50);
        answered.addAll(duringOutage);
        // kept on the gateway's disk, not in the store
        await().atMost(10, TimeUnit.SECONDS).until(() -> LedgerJournalFiles.requestIds(dataDir).containsAll(duringOutage));
        assertThat(ledger.count()).isEqualTo(5);
        // the lag grows while the store is away, and the operator can see it
        await().atMost(10, TimeUnit.SECONDS).until(() -> lagSeconds() >= 0.5);

        proxy.restore();
        await().atMost(30, TimeUnit.SECONDS).until(() -> ledger.count() >= 55);
        assertThat(ledger.requestIds()).hasSize(55).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ledger.requestIds())).isEqualTo(answered);
        await().atMost(10, TimeUnit.SECONDS).until(() -> LedgerJournalFiles.segments(dataDir) == 0);
        assertThat(lagSeconds()).isZero();
    }

    private double lagSeconds() {
        String body = gateway.get("/metrics", "Authorization", "Bearer " + MASTER).body();
        return caravan.testing.PrometheusScrape.value(body, "caravan_ledger_lag_seconds", "");
    }
}
