package caravan.edge;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import caravan.testing.GatewayUnderTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An exact path is tried before a path with parameters, whichever route was made first: a request to
 * {@code /things/search} is the exact route's even though {@code /things/{id}} was made before it (and the
 * router never runs the parameters' regular expression for it), while other ids still reach the second.
 */
class PathOrderTest {

    @TempDir
    Path workDir;

    GatewayUnderTest gateway;

    @BeforeEach
    void start() throws IOException {
        Path routes = Files.createDirectories(workDir.resolve("routes"));
        Files.writeString(routes.resolve("things.yaml"), """
                - route:
                    id: thing-by-id
                    from:
                      uri: platform-http:/things/{id}
                      parameters:
                        httpMethodRestrict: GET
                      steps:
                        - setBody:
                            simple: '{"route":"by-id","id":"${header.id}"}'
                - route:
                    id: thing-search
                    from:
                      uri: platform-http:/things/search
                      parameters:
                        httpMethodRestrict: GET
                      steps:
                        - setBody:
                            constant: '{"route":"search"}'
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir).start();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void anExactPathWinsOverAParameterPathMadeBeforeIt() {
        HttpResponse<String> search = gateway.get("/things/search");
        HttpResponse<String> byId = gateway.get("/things/42");

        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).isEqualTo("{\"route\":\"search\"}");
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(byId.body()).isEqualTo("{\"route\":\"by-id\",\"id\":\"42\"}");
    }
}
