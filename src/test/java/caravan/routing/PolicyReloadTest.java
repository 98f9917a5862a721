package caravan.routing;

import java.nio.file.Path;
import java.time.Duration;

import caravan.testing.GatewayUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Which model serves a named route is a YAML edit that the running gateway picks up. */
class PolicyReloadTest {

    @TempDir
    Path workDir;

    @Test
    void servesTheEditedRouteWithoutARestart() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "assistant", policy("echo/before"));
        try (GatewayUnderTest gateway = GatewayUnderTest.builder().workDir(workDir).start()) {
            assertThat(modelServing(gateway)).isEqualTo("before");

            RoutingTestSupport.writePolicy(workDir, "assistant", policy("echo/after"));

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "after".equals(modelServing(gateway)));
        }
    }

    private static String modelServing(GatewayUnderTest gateway) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"assistant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .headers().firstValue("x-caravan-model").orElse("");
    }

    private static String policy(String model) {
        return """
                - route:
                    id: assistant
                    group: policies
                    from:
                      uri: direct:assistant
                      steps:
                        - to: model:%s
                """.formatted(model);
    }
}
