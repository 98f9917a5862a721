package caravan.edge;

import java.nio.file.Files;
import java.nio.file.Path;

import caravan.routing.RoutingTestSupport;
import caravan.testing.GatewayUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A route chooses the status of its answer with CamelHttpResponseCode, as YAML writes it (text); a client cannot. */
class RouteStatusTest {

    @TempDir
    Path workDir;

    @Test
    void answersWithTheStatusTheRouteSets() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        Files.writeString(workDir.resolve("routes/statuses.yaml"), """
                - route:
                    id: created
                    from:
                      uri: platform-http:/created
                      steps:
                        - setHeader: { name: CamelHttpResponseCode, constant: "201" }
                        - setBody: { constant: '{"created":true}' }
                - route:
                    id: broken-status
                    from:
                      uri: platform-http:/broken-status
                      steps:
                        - setHeader: { name: CamelHttpResponseCode, constant: "abc" }
                        - setBody: { constant: '{}' }
                """);
        try (GatewayUnderTest gateway = GatewayUnderTest.builder().workDir(workDir).start()) {
            assertThat(gateway.get("/created").statusCode()).isEqualTo(201);
            assertThat(gateway.get("/created", "CamelHttpResponseCode", "503").statusCode()).isEqualTo(201);
            assertThat(gateway.get("/broken-status").statusCode()).isEqualTo(500);
            assertThat(gateway.get("/broken-status").body()).contains("internal_error");
        }
    }
}
