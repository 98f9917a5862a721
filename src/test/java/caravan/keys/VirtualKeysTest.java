package caravan.keys;

import java.net.http.HttpResponse;
import java.time.Instant;

import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A key's life through the admin API and on the /v1 API: made, used, scoped, changed, revoked, expired. */
class VirtualKeysTest {

    static final String MASTER = "sk-caravan-master-keys-test";
    static FakeUpstream upstream;
    static GatewayUnderTest gateway;
    static Admin admin;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        // echo answers for the providers this test has no upstream for (a route's other targets)
        gateway = GatewayUnderTest.builder().openAi(upstream).property("gateway.master-key", MASTER)
                .property("gateway.echo-stand-in", "true").start();
        admin = new Admin(gateway, MASTER);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    }

    static HttpResponse<String> callWith(String key, String model) {
        return gateway.post("/v1/chat/completions", chat(model), "Authorization", "Bearer " + key);
    }

    @Test
    void aNewKeyIsShownOnceAndWorksLikeAnOpenAiKey() {
        JsonNode created = admin.createKey("{\"name\":\"search-service\",\"tenant\":\"search\",\"team\":\"search\"}");
        String secret = created.get("key").asText();

        assertThat(secret).startsWith("ck-").hasSizeGreaterThanOrEqualTo(3 + 43);
        assertThat(created.get("id").asText()).startsWith("key_");
        assertThat(created.get("key_prefix").asText()).isEqualTo(secret.substring(0, 8));

        HttpResponse<String> answer = callWith(secret, "openai/gpt-4o-mini");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("x-caravan-tenant")).hasValue("search");
        assertThat(answer.headers().firstValue("x-caravan-key-id")).hasValue(created.get("id").asText());

        JsonNode read = admin.get("/admin/keys/" + created.get("id").asText());
        assertThat(read.has("key")).isFalse();
        assertThat(read.toString()).doesNotContain(secret);
        assertThat(read.get("key_prefix").asText()).isEqualTo(secret.substring(0, 8));
        assertThat(read.get("status").asText()).isEqualTo("active");
        assertThat(admin.get("/admin/keys?tenant=search").get("data").toString()).contains(created.get("id").asText())
                .doesNotContain(secret);
        assertThat(admin.get("/admin/tenants/search").get("id").asText()).isEqualTo("search");
    }

    @Test
    void theAnthropicHeaderCarriesAKeyToo() {
        String secret = admin.createKey("{\"tenant\":\"search\"}").get("key").asText();

        HttpResponse<String> answer = gateway.post("/v1/messages",
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "x-api-key", secret, "anthropic-version", "2023-06-01");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyIsRefusedOnTheNextCall() {
        JsonNode created = admin.createKey("{\"tenant\":\"search\"}");
        String secret = created.get("key").asText();
        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);

        admin.delete("/admin/keys/" + created.get("id").asText());

        HttpResponse<String> refused = callWith(secret, "openai/gpt-4o-mini");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(Admin.json(refused).at("/error/code").asText()).isEqualTo("invalid_api_key");
        assertThat(admin.get("/admin/keys/" + created.get("id").asText()).get("status").asText()).isEqualTo("revoked");
    }

    @Test
    void anExpiredKeyIsRefused() {
        String past = Instant.now().minusSeconds(5).toString();
        String secret = admin.createKey("{\"tenant\":\"search\",\"expires_at\":\"" + past + "\"}").get("key").asText();

        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(401);
    }

    @Test
    void aKeyWithATtlWorksUntilItEnds() {
        JsonNode created = admin.createKey("{\"tenant\":\"search\",\"ttl_s\":3600}");

        assertThat(callWith(created.get("key").asText(), "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        assertThat(Instant.parse(created.get("expires_at").asText())).isAfter(Instant.now().plusSeconds(3500));
    }

    @Test
    void aKeyCallsOnlyTheModelsAndRoutesItIsScopedTo() {
        String secret = admin.createKey("{\"tenant\":\"search\",\"models\":[\"openai/gpt-4o-mini\",\"echo/*\"]}")
                .get("key").asText();

        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        assertThat(callWith(secret, "gpt-4o-mini").statusCode()).isEqualTo(200);
        assertThat(callWith(secret, "echo/anything").statusCode()).isEqualTo(200);
        HttpResponse<String> outside = callWith(secret, "openai/gpt-4o");
        assertThat(outside.statusCode()).isEqualTo(403);
        assertThat(Admin.json(outside).at("/error/code").asText()).isEqualTo("model_not_allowed");
        assertThat(Admin.json(outside).at("/error/param").asText()).isEqualTo("model");
        assertThat(callWith(secret, "round-robin").statusCode()).isEqualTo(403);

        HttpResponse<String> fallback = gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"fallbacks\":[\"anthropic/claude-haiku-4-5\"],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "Authorization", "Bearer " + secret);
        assertThat(fallback.statusCode()).isEqualTo(403);
        assertThat(Admin.json(fallback).at("/error/param").asText()).isEqualTo("fallbacks[0]");
    }

    @Test
    void aRouteInScopeMayCallWhatItsStepsCall() {
        String secret = admin.createKey("{\"tenant\":\"search\",\"models\":[\"round-robin\"]}").get("key").asText();

        assertThat(callWith(secret, "round-robin").statusCode()).isEqualTo(200);
        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(403);
    }

    @Test
    void theModelListShowsOnlyWhatTheKeyMayUse() {
        String secret = admin.createKey("{\"tenant\":\"search\",\"models\":[\"openai/gpt-4o-mini\",\"support\"]}")
                .get("key").asText();

        JsonNode models = Admin.json(gateway.get("/v1/models", "Authorization", "Bearer " + secret));
        assertThat(models.get("data").findValuesAsText("id")).containsExactlyInAnyOrder("openai/gpt-4o-mini", "support");
        assertThat(Admin.json(gateway.get("/v1/models", "Authorization", "Bearer " + MASTER)).get("data").size())
                .isGreaterThan(10);
    }

    @Test
    void aPatchIsInForceOnTheNextCall() {
        JsonNode created = admin.createKey("{\"tenant\":\"search\",\"models\":[\"openai/gpt-4o\"]}");
        String secret = created.get("key").asText();
        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(403);

        JsonNode patched = admin.patch("/admin/keys/" + created.get("id").asText(),
                "{\"models\":[\"openai/*\"],\"name\":\"renamed\",\"metadata\":{\"plan\":\"paid\"},\"rpm\":1000}");

        assertThat(patched.get("name").asText()).isEqualTo("renamed");
        assertThat(patched.get("rpm").asLong()).isEqualTo(1000);
        assertThat(patched.at("/metadata/plan").asText()).isEqualTo("paid");
        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        assertThat(admin.patch("/admin/keys/" + created.get("id").asText(), "{\"rpm\":null}").get("rpm").isNull()).isTrue();
    }

    @Test
    void theMasterKeyActsForTheTenantItNames() {
        HttpResponse<String> answer = gateway.post("/v1/chat/completions", chat("openai/gpt-4o-mini"),
                "Authorization", "Bearer " + MASTER, "x-caravan-tenant", "billing");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("x-caravan-tenant")).hasValue("billing");
        assertThat(answer.headers().firstValue("x-caravan-key-id")).isEmpty();
    }

    @Test
    void theAdminApiNeedsTheMasterKey() {
        String secret = admin.createKey("{\"tenant\":\"search\"}").get("key").asText();

        HttpResponse<String> none = gateway.get("/admin/keys");
        assertThat(none.statusCode()).isEqualTo(401);
        HttpResponse<String> virtual = gateway.get("/admin/keys", "Authorization", "Bearer " + secret);
        assertThat(virtual.statusCode()).isEqualTo(403);
        assertThat(Admin.json(virtual).at("/error/code").asText()).isEqualTo("admin_only");
        assertThat(gateway.call("POST", "/admin/keys", "{\"tenant\":\"x\"}", "Authorization", "Bearer " + secret)
                .statusCode()).isEqualTo(403);
        assertThat(gateway.get("/v1/caravan/stats", "Authorization", "Bearer " + secret).statusCode()).isEqualTo(403);
        assertThat(gateway.get("/metrics", "Authorization", "Bearer " + secret).statusCode()).isEqualTo(403);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"tenant\":\"search\",\"colour\":\"red\"}                 | colour",
            "{\"tenant\":\"search\",\"rpm\":\"sixty\"}                  | rpm",
            "{\"tenant\":\"search\",\"rpm\":-1}                         | rpm",
            "{\"tenant\":\"search\",\"tpm\":1.5}                        | tpm",
            "{\"tenant\":\"search\",\"tpm\":1000000000000}              | tpm",
            "{\"tenant\":\"search\",\"budget_usd\":-5}                  | budget_usd",
            "{\"tenant\":\"search\",\"budget_period\":\"week\"}         | budget_period",
            "{\"tenant\":\"search\",\"expires_at\":\"next tuesday\"}    | expires_at",
            "{\"tenant\":\"search\",\"models\":\"openai/*\"}            | models",
            "{\"tenant\":\"search\",\"metadata\":[1]}                   | metadata",
            "{\"name\":\"no tenant\"}                                   | tenant",
            "{\"tenant\":\"a tenant with spaces\"}                      | tenant",
    })
    void badInputNamesTheField(String body, String field) {
        HttpResponse<String> response = admin.call("POST", "/admin/keys", body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = Admin.json(response).get("error");
        assertThat(error.get("param").asText()).isEqualTo(field);
        assertThat(error.get("message").asText()).contains(field);
    }

    @Test
    void anUnknownIdIsA404() {
        assertThat(admin.call("GET", "/admin/keys/key_nope", null).statusCode()).isEqualTo(404);
        assertThat(admin.call("PATCH", "/admin/keys/key_nope", "{}").statusCode()).isEqualTo(404);
        assertThat(admin.call("DELETE", "/admin/keys/key_nope", null).statusCode()).isEqualTo(404);
        assertThat(admin.call("GET", "/admin/tenants/nope", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aTenantIdIsMadeOnce() {
        admin.createTenant("{\"id\":\"made-once\"}");

        HttpResponse<String> again = admin.call("POST", "/admin/tenants", "{\"id\":\"made-once\"}");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(Admin.json(again).at("/error/code").asText()).isEqualTo("tenant_exists");
    }

    @Test
    void deletingATenantRevokesItsKeys() {
        admin.createTenant("{\"id\":\"short-lived\"}");
        String secret = admin.createKey("{\"tenant\":\"short-lived\"}").get("key").asText();
        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);

        admin.delete("/admin/tenants/short-lived");

        assertThat(callWith(secret, "openai/gpt-4o-mini").statusCode()).isEqualTo(401);
    }

    @Test
    void aTenantsProviderKeysAreNeverReturned() {
        JsonNode tenant = admin.createTenant("{\"id\":\"sealed\",\"providers\":{\"openai\":{\"api_key\":\"sk-tenant-secret-1\","
                + "\"base_url\":\"https://example.test/v1\"}}}");

        assertThat(tenant.toString()).doesNotContain("sk-tenant-secret-1");
        assertThat(tenant.at("/providers/openai/api_key_set").asBoolean()).isTrue();
        assertThat(admin.get("/admin/tenants").toString()).doesNotContain("sk-tenant-secret-1");
        HttpResponse<String> unknownProvider = admin.call("PATCH", "/admin/tenants/sealed",
                "{\"providers\":{\"nosuch\":{\"api_key\":\"x\"}}}");
        assertThat(unknownProvider.statusCode()).isEqualTo(400);
        assertThat(Admin.json(unknownProvider).at("/error/param").asText()).isEqualTo("providers.nosuch");
    }
}
