package caravan.audit;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import caravan.store.Database;
import caravan.store.GatewaySecret;
import caravan.testing.Admin;
import caravan.testing.AuditPages;
import caravan.testing.GatewayUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The audit log through the admin API on the embedded default (H2): admin changes recorded with their
 * actor and action, listed oldest first page by page, checked by {@code /admin/audit/verify} after the rows
 * were tampered with, and never holding a key's secret or a tenant's provider key.
 */
class AuditLogApiTest {

    static final String MASTER = "sk-caravan-master-audit-test";
    static GatewayUnderTest gateway;
    static Admin admin;

    @BeforeAll
    static void start() {
        gateway = GatewayUnderTest.builder().property("gateway.master-key", MASTER).start();
        admin = new Admin(gateway, MASTER);
        // the route files loaded at start are recorded in one append of their own, off the start: once it is
        // in, every record after it is this test's
        await().atMost(Duration.ofSeconds(10)).until(() -> AuditPages.all(admin).stream()
                .anyMatch(record -> record.get("action").asText().equals("route.load")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void keyAndTenantChangesAreRecordedWithTheMasterKeyAsActorOldestFirst() {
        long before = AuditPages.lastSeq(admin);

        admin.createTenant("{\"id\":\"audit-acme\",\"rpm\":60}");
        String first = admin.createKey("{\"tenant\":\"audit-acme\",\"name\":\"one\"}").get("id").asText();
        String second = admin.createKey("{\"tenant\":\"audit-globex\"}").get("id").asText();
        admin.patch("/admin/keys/" + first, "{\"rpm\":10,\"budget_usd\":5}");
        admin.patch("/admin/tenants/audit-acme", "{\"tpm\":1000,\"budget_usd\":20,\"budget_period\":\"day\"}");
        admin.delete("/admin/keys/" + first);
        admin.delete("/admin/tenants/audit-globex");
        // refused changes are no changes
        assertThat(admin.call("PATCH", "/admin/keys/key_absent", "{\"rpm\":1}").statusCode()).isEqualTo(404);
        assertThat(admin.call("POST", "/admin/tenants", "{\"id\":\"audit-acme\"}").statusCode()).isEqualTo(409);

        List<JsonNode> records = AuditPages.after(admin, before);
        assertThat(records).extracting(r -> r.get("actor").asText(), r -> r.get("action").asText(), r -> r.get("object").asText())
                .containsExactly(
                        tuple("master", "tenant.create", "audit-acme"),
                        tuple("master", "key.create", first),
                        tuple("master", "tenant.create", "audit-globex"),
                        tuple("master", "key.create", second),
                        tuple("master", "key.update", first),
                        tuple("master", "tenant.update", "audit-acme"),
                        tuple("master", "key.revoke", first),
                        tuple("master", "tenant.delete", "audit-globex"),
                        tuple("master", "key.revoke", second));
        long seq = before;
        for (JsonNode record : records) {
            assertThat(record.get("seq").asLong()).isEqualTo(++seq);
            assertThat(record.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
            assertThat(record.get("mac").asText()).matches("[0-9a-f]{64}");
            if (!record.get("action").asText().equals("tenant.delete")) {
                assertThat(record.get("digest").asText()).matches("[0-9a-f]{64}");
            }
        }
        assertThat(records.get(7).get("digest").isNull()).as("a deleted tenant has no state").isTrue();
        assertThat(records.get(4).get("digest")).as("a change changes the digest").isNotEqualTo(records.get(1).get("digest"));
        assertThat(admin.get("/admin/audit/verify").get("ok").asBoolean()).isTrue();
    }

    @Test
    void neitherAKeysSecretNorATenantsProviderKeyReachesTheLog() throws Exception {
        String providerKey = "sk-tenant-provider-canary-7f3a9c";
        admin.createTenant("{\"id\":\"audit-secrets\",\"providers\":{\"openai\":{\"api_key\":\"" + providerKey + "\"}}}");
        JsonNode created = admin.createKey("{\"tenant\":\"audit-secrets\",\"name\":\"canary\"}");
        String secret = created.get("key").asText();
        String storedDigest = gateway.context().getRegistry().lookupByNameAndType("gatewaySecret", GatewaySecret.class)
                .digest(secret);
        admin.patch("/admin/tenants/audit-secrets", "{\"providers\":{\"openai\":{\"api_key\":\"" + providerKey + "-2\"}}}");

        String listed = admin.call("GET", "/admin/audit?limit=1000", null).body();
        String stored = auditRows();
        for (String text : List.of(listed, stored)) {
            assertThat(text).contains(created.get("id").asText())
                    .doesNotContain(secret, secret.substring(3), providerKey, storedDigest, sha256(secret), sha256(providerKey));
        }
        // the rotated provider key shows as a new digest, without the key
        List<JsonNode> tenantRecords = AuditPages.all(admin).stream()
                .filter(r -> r.get("object").asText().equals("audit-secrets")).toList();
        assertThat(tenantRecords).extracting(r -> r.get("action").asText()).containsExactly("tenant.create", "tenant.update");
        assertThat(tenantRecords.get(1).get("digest")).isNotEqualTo(tenantRecords.get(0).get("digest"));
    }

    @Test
    void listsPageByPageAfterASeq() {
        admin.createTenant("{\"id\":\"audit-paging-1\"}");
        admin.createTenant("{\"id\":\"audit-paging-2\"}");
        admin.createTenant("{\"id\":\"audit-paging-3\"}");
        List<JsonNode> all = AuditPages.all(admin);
        long third = all.get(all.size() - 3).get("seq").asLong();

        JsonNode page = admin.get("/admin/audit?after=" + (third - 1) + "&limit=2");

        assertThat(page.get("data")).extracting(r -> r.get("object").asText()).containsExactly("audit-paging-1", "audit-paging-2");
        assertThat(page.get("has_more").asBoolean()).isTrue();
        JsonNode last = admin.get("/admin/audit?after=" + (third + 1) + "&limit=2");
        assertThat(last.get("data")).extracting(r -> r.get("object").asText()).containsExactly("audit-paging-3");
        assertThat(last.get("has_more").asBoolean()).isFalse();
        assertThat(admin.get("/admin/audit").get("data").get(0).get("seq").asLong()).isEqualTo(1);
        assertThat(admin.get("/admin/audit").get("data").size()).isLessThanOrEqualTo(100);
    }

    @ParameterizedTest
    @CsvSource({"after=-1,after", "after=abc,after", "after=1.5,after", "limit=0,limit", "limit=1001,limit", "limit=ten,limit"})
    void refusesABadParameterNamingIt(String query, String param) {
        HttpResponse<String> answer = admin.call("GET", "/admin/audit?" + query, null);

        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode error = Admin.json(answer).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_value");
        assertThat(error.get("param").asText()).isEqualTo(param);
    }

    @Test
    void onlyTheMasterKeyReadsOrVerifiesTheLog() {
        String key = admin.createKey("{\"tenant\":\"audit-outsider\"}").get("key").asText();
        for (String path : List.of("/admin/audit", "/admin/audit/verify")) {
            assertThat(gateway.get(path).statusCode()).isEqualTo(401);
            HttpResponse<String> withKey = gateway.get(path, "Authorization", "Bearer " + key);
            assertThat(withKey.statusCode()).isEqualTo(403);
            assertThat(withKey.body()).contains("admin_only");
        }
    }

    @Test
    void verifyNamesTheFirstRecordEditedBehindTheGatewaysBack() throws SQLException {
        admin.createTenant("{\"id\":\"audit-tamper\"}");
        admin.patch("/admin/tenants/audit-tamper", "{\"rpm\":5}");
        JsonNode ok = admin.get("/admin/audit/verify");
        assertThat(ok.get("ok").asBoolean()).as("%s", ok).isTrue();
        long records = ok.get("records").asLong();
        long edited = AuditPages.all(admin).stream().filter(r -> r.get("object").asText().equals("audit-tamper"))
                .findFirst().orElseThrow().get("seq").asLong();

        try {
            sql("UPDATE audit_log SET actor = 'key_innocent' WHERE seq = " + edited);

            JsonNode bad = admin.get("/admin/audit/verify");
            assertThat(bad.get("ok").asBoolean()).isFalse();
            assertThat(bad.get("first_bad_seq").asLong()).isEqualTo(edited);
            assertThat(bad.get("reason").asText()).isEqualTo("edited");
            assertThat(bad.get("message").asText()).contains(String.valueOf(edited));
        } finally {
            sql("UPDATE audit_log SET actor = 'master' WHERE seq = " + edited);
        }
        assertThat(admin.get("/admin/audit/verify").get("records").asLong()).isGreaterThanOrEqualTo(records);
    }

    @Test
    void aChangeThatCannotBeRecordedIsRefusedAndNotMade() throws SQLException {
        long next = AuditPages.lastSeq(admin) + 1;
        // a row already where the next record goes: the change's record cannot be appended
        sql("INSERT INTO audit_log (seq, at_ms, actor, action, object, digest, mac) VALUES (" + next
                + ", 0, 'x', 'x', 'x', NULL, 'x')");
        try {
            HttpResponse<String> answer = admin.call("POST", "/admin/tenants", "{\"id\":\"audit-unrecorded\"}");

            assertThat(answer.statusCode()).as("%s", answer.body()).isEqualTo(503);
            assertThat(Admin.json(answer).at("/error/code").asText()).isEqualTo("store_unavailable");
        } finally {
            sql("DELETE FROM audit_log WHERE seq = " + next);
        }
        assertThat(admin.call("GET", "/admin/tenants/audit-unrecorded", null).statusCode()).isEqualTo(404);
        assertThat(admin.get("/admin/audit/verify").get("ok").asBoolean()).isTrue();
    }

    @Test
    void anAuditKeyTooShortStopsTheStartNamingTheSettingButNotItsValue() {
        String tooShort = "c2hvcnQtYXVkaXQta2V5";

        assertThatThrownBy(() -> GatewayUnderTest.builder().property("gateway.audit-key", tooShort).start())
                .rootCause().hasMessageContaining("GATEWAY_AUDIT_KEY").hasMessageContaining("at least 32")
                .hasMessageNotContaining(tooShort);
    }

    private static String auditRows() throws SQLException {
        StringBuilder rows = new StringBuilder();
        try (Connection connection = database().dataSource().getConnection(); Statement select = connection.createStatement()) {
            for (String table : List.of("audit_log", "audit_head")) {
                try (ResultSet row = select.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData columns = row.getMetaData();
                    while (row.next()) {
                        for (int i = 1; i <= columns.getColumnCount(); i++) {
                            rows.append(row.getString(i)).append('|');
                        }
                        rows.append('\n');
                    }
                }
            }
        }
        return rows.toString();
    }

    private static void sql(String statement) throws SQLException {
        try (Connection connection = database().dataSource().getConnection(); Statement plain = connection.createStatement()) {
            plain.executeUpdate(statement);
        }
    }

    private static Database database() {
        return gateway.context().getRegistry().lookupByNameAndType("database", Database.class);
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
