package caravan.routing;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import caravan.testing.GatewayUnderTest;
import caravan.testing.TenantFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample routes decide a plan or a tier on the caller's key, not on what the request claims: a free key
 * whose request says it is paid is served as free. Providers without keys are answered by the echo stand-in,
 * which reports the model it stood in for.
 */
class TrustedAttributesRoutingTest {

    @TempDir
    static Path workDir;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        for (String sample : new String[] {"examples.yaml", "support.yaml"}) {
            Files.copy(Path.of("routes/policies", sample), workDir.resolve("routes/policies").resolve(sample));
        }
        TenantFixture.install(workDir);
        TenantFixture tenants = new TenantFixture()
                .register(TenantFixture.key("free-key", "acme", null, null, "{\"plan\":\"free\",\"tier\":\"free\"}"),
                        TenantFixture.tenant("acme", Map.of(), "{\"plan\":\"enterprise\"}"))
                .register(TenantFixture.key("paid-key", "globex", null, null, "{\"plan\":\"paid\",\"tier\":\"enterprise\"}"),
                        TenantFixture.tenant("globex", Map.of(), "{}"));
        gateway = GatewayUnderTest.builder().workDir(workDir).bean(TenantFixture.BEAN, tenants)
                .property("providers.openai.base-url", "https://api.openai.com/v1")
                .property("providers.openai.api-key", "")
                .property("providers.anthropic.base-url", "https://api.anthropic.com")
                .property("providers.anthropic.api-key", "")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a free key claiming a paid plan          | by-plan | acme   | "metadata":{"plan":"paid","user_plan":"paid"},"user":"u-1" | gpt-4o-mini
            a paid key                               | by-plan | globex | "user":"u-1"                                               | gpt-4o
            the master key claiming a paid plan      | by-plan |        | "metadata":{"plan":"paid","user_plan":"paid"}              | gpt-4o-mini
            a free key's test user (no entitlement)  | by-plan | acme   | "user":"test-7"                                            | echo-1
            a free key claiming the enterprise tier  | support | acme   | "metadata":{"tier":"enterprise"}                           | gpt-5-mini
            an enterprise key                        | support | globex | "metadata":{"tier":"free"}                                 | claude-opus-4-1
            """)
    void routesOnTheKeysPlanNotTheRequestsClaim(String description, String route, String tenant, String fields, String model) {
        String body = "{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + fields + "}";
        HttpResponse<String> response = tenant == null ? gateway.post("/v1/chat/completions", body)
                : gateway.post("/v1/chat/completions", body, TenantFixture.HEADER, tenant);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-route")).hasValue(route);
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue(model);
    }
}
