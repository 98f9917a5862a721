package caravan.guardrails;

import java.util.List;
import java.util.Map;

import caravan.api.Json;
import caravan.testing.GatewayUnderTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Guardrails as configuration writes them: the environment's list, the admin API's JSON, their defaults and their errors. */
class GuardrailFactoryTest {

    private static final GuardrailFactory FACTORY = new GuardrailFactory(new GuardrailServices(null, null, null));

    @Test
    void theEnvironmentsListWithEachGuardrailsDefaults() {
        List<GuardrailStep> steps = FACTORY.parseList(" pii:redact, secrets:block ,injection:block,json_schema,refusal:warn:post");

        assertThat(steps).extracting(GuardrailStep::toString).containsExactly("pii:redact:pre", "secrets:block:pre",
                "injection:block:pre", "json_schema:block:post", "refusal:warn:post");
        assertThat(steps.get(0).threshold()).isEqualTo(0.5);
        assertThat(steps.get(0).sample()).isEqualTo(1.0);
        assertThat(steps.get(0).mode()).isEqualTo(Mode.SYNC);
        assertThat(FACTORY.parseList("  ")).isEmpty();
    }

    @Test
    void theAdminApisObjectsTakeEveryOption() throws Exception {
        List<GuardrailStep> steps = FACTORY.fromJson(Json.MAPPER.readTree("""
                ["secrets:warn",{"name":"banned","stage":"post","action":"redact","sample":0.25,"mode":"async",
                 "terms":["titan","acme internal"]}]"""));

        GuardrailStep banned = steps.get(1);
        assertThat(banned.stage()).isEqualTo(Stage.POST);
        assertThat(banned.action()).isEqualTo(Action.REDACT);
        assertThat(banned.sample()).isEqualTo(0.25);
        assertThat(banned.mode()).isEqualTo(Mode.ASYNC);
    }

    @Test
    void whatCannotWorkIsRefusedNamingWhy() {
        assertThatThrownBy(() -> FACTORY.parseList("pii:redact,nope:block")).hasMessageContaining("unknown guardrail 'nope'");
        assertThatThrownBy(() -> FACTORY.parseEntry("injection:redact")).hasMessageContaining("cannot redact");
        assertThatThrownBy(() -> FACTORY.parseEntry("pii:shout")).hasMessageContaining("block, warn or redact");
        assertThatThrownBy(() -> FACTORY.parseEntry("json_schema:block:pre")).hasMessageContaining("does not check the pre stage");
        assertThatThrownBy(() -> FACTORY.parseEntry("pii:redact:pre:more")).hasMessageContaining("name:action[:stage]");
        assertThatThrownBy(() -> FACTORY.create("pii", Map.of("threshold", "1.5"))).hasMessageContaining("threshold");
        assertThatThrownBy(() -> FACTORY.create("pii", Map.of("sample", "half"))).hasMessageContaining("sample");
        assertThatThrownBy(() -> FACTORY.create("pii", Map.of("types", "email,fax"))).hasMessageContaining("fax");
        assertThatThrownBy(() -> FACTORY.create("webhook", Map.of("url", "ftp://x"))).hasMessageContaining("http");
    }

    @Test
    void aWrongDefaultSetStopsTheGatewayNamingIt() {
        assertThatThrownBy(() -> GatewayUnderTest.builder().property("gateway.guardrails", "pii:redact,secret:block").start())
                .hasStackTraceContaining("GATEWAY_GUARDRAILS: unknown guardrail 'secret'");
    }
}
