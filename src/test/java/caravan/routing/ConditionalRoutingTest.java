package caravan.routing;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import caravan.testing.GatewayUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A named route choosing its model by request metadata, parameters and headers. */
class ConditionalRoutingTest {

    @TempDir
    static Path workDir;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "tiers", """
                - route:
                    id: tiers
                    group: policies
                    from:
                      uri: direct:tiers
                      steps:
                        - choice:
                            when:
                              - language:
                                  language: match
                                  expression: '{"metadata.tier": "enterprise"}'
                                steps:
                                  - to: model:echo/enterprise-model
                              - language:
                                  language: match
                                  expression: '{"$or": [{"metadata.tier": {"$in": ["standard", "pro"]}}, {"headers.x-beta": {"$exists": true}}]}'
                                steps:
                                  - to: model:echo/standard-model
                              - simple: "${variable.request.json().path('max_tokens').asInt()} > 1000"
                                steps:
                                  - to: model:echo/long-model
                            otherwise:
                              steps:
                                - to: model:echo/free-model
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            enterprise metadata        | "metadata":{"tier":"enterprise"}             |           | enterprise-model
            standard metadata          | "metadata":{"tier":"standard"}               |           | standard-model
            pro metadata               | "metadata":{"tier":"pro"}                    |           | standard-model
            beta header                | "metadata":{"tier":"free"}                   | yes       | standard-model
            long answers (Simple)      | "metadata":{"tier":"free"},"max_tokens":4000 |           | long-model
            free metadata              | "metadata":{"tier":"free"}                   |           | free-model
            no metadata                | "user":"someone"                             |           | free-model
            """)
    void routesByTheRequest(String description, String fields, String betaHeader, String model) {
        String body = "{\"model\":\"tiers\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + fields + "}";
        HttpResponse<String> response = betaHeader == null ? gateway.post("/v1/chat/completions", body)
                : gateway.post("/v1/chat/completions", body, "x-beta", betaHeader);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-route")).hasValue("tiers");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue(model);
    }
}
