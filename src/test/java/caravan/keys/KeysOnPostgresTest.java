package caravan.keys;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import caravan.store.GatewaySecret;
import caravan.store.TestPostgres;
import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.SharedStores;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One gateway whose keys, tenants and spend live in PostgreSQL ({@code DATABASE_URL}): a key's whole life,
 * spend that outlives the instance, tenants' own provider accounts made through the admin API, and what
 * the tables hold as they lie there (read with plain JDBC): digests and sealed accounts, never a secret.
 * Each instance gets a fresh data folder, so nothing it knows can come from an embedded database.
 */
class KeysOnPostgresTest {

    static final String MASTER = "sk-caravan-master-postgres";
    static final String COMPLETION = Recorded.text("openai", "completion.json");
    static final String GATEWAY_PROVIDER_KEY = "sk-test-provider";

    static TestPostgres postgres;
    static String secretKey;
    static FakeUpstream upstream;
    static GatewayUnderTest gateway;
    static Admin admin;

    @BeforeAll
    static void start() {
        postgres = TestPostgres.createDatabase();
        secretKey = SharedStores.newSecretKey();
        upstream = FakeUpstream.start(Answer.json(200, COMPLETION));
        startGateway();
    }

    /** An instance on the class's database with the class's secret key, and a data folder of its own. */
    static void startGateway() {
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.database-url", postgres.url())
                .property("gateway.secret-key", secretKey)
                .start();
        admin = new Admin(gateway, MASTER);
    }

    /** In this order: the instance lets go of the database before it is dropped. */
    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {gateway, upstream, postgres}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @BeforeEach
    void freshUpstream() {
        upstream.reset(Answer.json(200, COMPLETION));
    }

    static HttpResponse<String> callWith(String key, String model) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}", "Authorization", "Bearer " + key);
    }

    @Test
    void aKeysWholeLifeRunsOnPostgres() throws Exception {
        JsonNode created = admin.createKey("{\"name\":\"search-service\",\"tenant\":\"pg-search\","
                + "\"models\":[\"openai/gpt-4o-mini\"]}");
        String id = created.get("id").asText();
        String secret = created.get("key").asText();
        // the key and its new tenant are rows of the PostgreSQL database
        assertThat(column("virtual_keys", id, "tenant_id")).isEqualTo("pg-search");
        assertThat(column("tenants", "pg-search", "id")).isEqualTo("pg-search");

        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        assertThat(callWith(secret, "openai/gpt-4o").statusCode()).isEqualTo(403);

        admin.patch("/admin/keys/" + id, "{\"models\":[\"openai/gpt-4o\"],\"rpm\":1000}");
        assertThat(column("virtual_keys", id, "models")).isEqualTo("[\"openai/gpt-4o\"]");
        assertThat(column("virtual_keys", id, "rpm")).isEqualTo("1000");
        HttpResponse<String> patched = callWith(secret, "openai/gpt-4o");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.headers().firstValue("x-ratelimit-limit-requests")).hasValue("1000");
        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(403);

        admin.delete("/admin/keys/" + id);
        HttpResponse<String> revoked = callWith(secret, "openai/gpt-4o");
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(Admin.json(revoked).at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(column("virtual_keys", id, "revoked_at")).isNotNull();
        assertThat(admin.get("/admin/keys/" + id).get("status").asText()).isEqualTo("revoked");
    }

    @Test
    void aKeyWithATtlStopsOpeningAnythingWhenItEnds() throws Exception {
        JsonNode created = admin.createKey("{\"tenant\":\"pg-ttl\",\"ttl_s\":2}");
        String id = created.get("id").asText();
        String secret = created.get("key").asText();
        Instant expires = Instant.parse(created.get("expires_at").asText());
        assertThat(Long.parseLong(column("virtual_keys", id, "expires_at"))).isEqualTo(expires.toEpochMilli());

        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> SharedStores.models(gateway, secret).statusCode() == 401);
        assertThat(Instant.now()).isAfterOrEqualTo(expires);
        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(401);
        assertThat(admin.get("/admin/keys/" + id).get("status").asText()).isEqualTo("expired");
    }

    @Test
    void spendSurvivesARestartOnTheSameDatabase() throws Exception {
        JsonNode created = admin.createKey("{\"tenant\":\"pg-restart\",\"budget_usd\":5,\"budget_period\":\"day\"}");
        String id = created.get("id").asText();
        String secret = created.get("key").asText();
        for (int i = 0; i < 3; i++) {
            assertThat(callWith(secret, "openai/gpt-4o").statusCode()).isEqualTo(200);
        }
        // 3 x (19 input tokens at $2.50/M + 10 output tokens at $10/M)
        BigDecimal spent = new BigDecimal("0.0004425");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> admin.get("/admin/keys/" + id).get("spend_usd").decimalValue().compareTo(spent) == 0);

        gateway.close();
        gateway = null;
        // what the stopped instance wrote, as PostgreSQL holds it
        assertThat(spendOf("key:" + id + ":")).isEqualTo(442_500L);
        startGateway();

        assertThat(admin.get("/admin/keys/" + id).get("spend_usd").decimalValue()).isEqualByComparingTo(spent);
        assertThat(admin.get("/admin/keys/" + id).get("budget_remaining_usd").decimalValue()).isEqualByComparingTo("4.9995575");
        // the same secret key: the new instance finds the key by its digest
        assertThat(callWith(secret, "openai/gpt-4o").statusCode()).isEqualTo(200);
    }

    @Test
    void theTablesHoldOnlyDigestsAndSealedAccounts() throws Exception {
        String providerKey = "sk-tenant-sealed-7c41e2d9";
        admin.createTenant("{\"id\":\"pg-sealed\",\"providers\":{\"openai\":{\"api_key\":\"" + providerKey + "\","
                + "\"base_url\":\"" + upstream.baseUrl() + "\"}}}");
        JsonNode created = admin.createKey("{\"tenant\":\"pg-sealed\"}");
        String id = created.get("id").asText();
        String secret = created.get("key").asText();

        String digest = column("virtual_keys", id, "digest");
        assertThat(digest).isEqualTo(GatewaySecret.load(secretKey, GatewayUnderTest.newDataDir()).digest(secret));
        assertThat(column("virtual_keys", id, "prefix")).isEqualTo(secret.substring(0, 8));
        String sealed = column("tenants", "pg-sealed", "providers");
        assertThat(sealed).isNotBlank().doesNotContain(providerKey).doesNotContain("api_key");
        // the secret's random part appears in no column of any table, nor does the provider key
        String everything = everyValue("virtual_keys") + everyValue("tenants") + everyValue("spend");
        assertThat(everything).doesNotContain(secret.substring(KeySecrets.PREFIX.length()))
                .doesNotContain(providerKey);

        // and yet the gateway opens both: the key calls, with the tenant's own provider key
        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        assertThat(upstream.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + providerKey);
    }

    @Test
    void tenantsMadeThroughTheAdminApiCallWithTheirOwnProviderAccounts() throws Exception {
        String keyA = "sk-acme-account-1f9b27";
        String keyB = "sk-globex-account-84d0c5";
        try (FakeUpstream acmeUpstream = FakeUpstream.start(Answer.json(200, COMPLETION));
             FakeUpstream globexUpstream = FakeUpstream.start(Answer.json(200, COMPLETION))) {
            admin.createTenant("{\"id\":\"acme\",\"providers\":{\"openai\":{\"api_key\":\"" + keyA + "\","
                    + "\"base_url\":\"" + acmeUpstream.baseUrl() + "\"}}}");
            admin.createTenant("{\"id\":\"globex\",\"providers\":{\"openai\":{\"api_key\":\"" + keyB + "\","
                    + "\"base_url\":\"" + globexUpstream.baseUrl() + "\"}}}");
            admin.createTenant("{\"id\":\"initech\"}");
            String acme = admin.createKey("{\"tenant\":\"acme\"}").get("key").asText();
            String globex = admin.createKey("{\"tenant\":\"globex\"}").get("key").asText();
            String initech = admin.createKey("{\"tenant\":\"initech\"}").get("key").asText();

            assertThat(callWith(acme, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
            assertThat(callWith(globex, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
            assertThat(callWith(initech, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);

            FakeUpstream.Received toAcme = acmeUpstream.takeRequest();
            assertThat(toAcme.path()).isEqualTo("/v1/chat/completions");
            assertThat(toAcme.headers().getAll("Authorization")).containsExactly("Bearer " + keyA);
            assertThat(globexUpstream.takeRequest().headers().getAll("Authorization")).containsExactly("Bearer " + keyB);
            assertThat(upstream.takeRequest().headers().getAll("Authorization"))
                    .containsExactly("Bearer " + GATEWAY_PROVIDER_KEY);
            // one call each, and nowhere else
            assertThat(acmeUpstream.requestCount()).isZero();
            assertThat(globexUpstream.requestCount()).isZero();
            assertThat(upstream.requestCount()).isZero();
        }
    }

    /** One column of the row of that id, as text (null when SQL NULL); fails when there is no such row. */
    static String column(String table, String id, String column) throws SQLException {
        try (Connection connection = postgres.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT " + column + " FROM " + table + " WHERE id = ?")) {
            statement.setString(1, id);
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).as("a row of %s with id %s in PostgreSQL", table, id).isTrue();
                return row.getString(1);
            }
        }
    }

    /** Every value of every row of the table, as text. */
    static String everyValue(String table) throws SQLException {
        StringBuilder values = new StringBuilder();
        try (Connection connection = postgres.connect();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int i = 1; i <= columns; i++) {
                    values.append(rows.getString(i)).append('\n');
                }
            }
        }
        return values.toString();
    }

    /** The settled spend of the accounts whose names start with {@code prefix}, in nano-dollars. */
    static long spendOf(String prefix) throws SQLException {
        try (Connection connection = postgres.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT COALESCE(SUM(nano_usd), 0) FROM spend WHERE account LIKE ?")) {
            statement.setString(1, prefix + "%");
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
