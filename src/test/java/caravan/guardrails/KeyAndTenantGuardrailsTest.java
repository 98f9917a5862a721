package caravan.guardrails;

import java.net.http.HttpResponse;

import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key and its tenant add guardrails of their own (admin API field {@code guardrails}), kept in the store
 * beside them: every call with the key is checked by the key's and the tenant's guardrails, on top of the
 * gateway's default set. What the gateway could not run is refused when it is written.
 */
class KeyAndTenantGuardrailsTest {

    private static final String MASTER = "sk-master-guardrails";

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;
    static Admin admin;
    static String key;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.guardrails", "secrets:block")
                .start();
        admin = new Admin(gateway, MASTER);
        admin.createTenant("""
                {"id":"acme","guardrails":[{"name":"banned","action":"block","terms":["project titan"]}]}""");
        key = admin.createKey("""
                {"tenant":"acme","name":"support-bot","guardrails":["pii:redact"]}""").path("key").asText();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
    }

    @Test
    void theKeysAndTheTenantsGuardrailsRunBesideTheDefaults() throws Exception {
        HttpResponse<String> response = chat(key, "my card is 4111 1111 1111 1111");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("secrets=passed;pii=redacted;banned=passed");
        assertThat(new String(upstream.takeRequest().body())).contains("[CREDIT_CARD]");
    }

    @Test
    void theTenantsBannedTermIsRefused() {
        HttpResponse<String> response = chat(key, "status of Project Titan?");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Admin.json(response).at("/error/code").asText()).isEqualTo("banned");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void theMasterKeyHasOnlyTheDefaults() {
        HttpResponse<String> response = chat(MASTER, "status of Project Titan?");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("secrets=passed");
    }

    @Test
    void theAdminApiShowsAndChangesThem() {
        JsonNode keys = admin.get("/admin/keys?tenant=acme");
        assertThat(keys.at("/data/0/guardrails/0").asText()).isEqualTo("pii:redact");
        assertThat(admin.get("/admin/tenants/acme").at("/guardrails/0/name").asText()).isEqualTo("banned");

        String id = keys.at("/data/0/id").asText();
        admin.patch("/admin/keys/" + id, "{\"guardrails\":[\"pii:warn\"]}");
        try {
            assertThat(chat(key, "card 4111 1111 1111 1111").headers().firstValue("x-caravan-guardrails"))
                    .hasValue("secrets=passed;pii=warned;banned=passed");
        } finally {
            admin.patch("/admin/keys/" + id, "{\"guardrails\":[\"pii:redact\"]}");
        }
    }

    @Test
    void whatTheGatewayCannotRunIsRefusedWhenWritten() {
        for (String guardrails : new String[]{"[\"nope:block\"]", "[\"injection:redact\"]",
                "[{\"name\":\"banned\",\"terms\":[\"x\"],\"color\":\"red\"}]", "\"pii:redact\"", "[42]"}) {
            HttpResponse<String> response = admin.call("POST", "/admin/keys",
                    "{\"tenant\":\"acme\",\"guardrails\":" + guardrails + "}");
            assertThat(response.statusCode()).as(guardrails).isEqualTo(400);
            assertThat(Admin.json(response).at("/error/param").asText()).isEqualTo("guardrails");
        }
    }

    private static HttpResponse<String> chat(String bearer, String text) {
        return gateway.post("/v1/chat/completions", """
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"%s"}]}""".formatted(text),
                "Authorization", "Bearer " + bearer);
    }
}
