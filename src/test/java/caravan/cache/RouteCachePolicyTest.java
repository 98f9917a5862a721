package caravan.cache;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A named route turns caching on for itself in its own YAML (a CachePolicy bean as its routePolicy), with
 * its own TTL, while the gateway's default (GATEWAY_CACHE) stays off for everything else.
 */
class RouteCachePolicyTest {

    @TempDir
    static Path workDir;
    static FakeUpstream upstream;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "cached", """
                - beans:
                    - name: cachedRouteCache
                      type: caravan.cache.CachePolicy
                      properties:
                        mode: exact
                        ttlSeconds: 1
                - route:
                    id: cached
                    group: policies
                    routePolicy: cachedRouteCache
                    from:
                      uri: direct:cached
                      steps:
                        - to: model:openai/gpt-4o-mini
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir).openAi(upstream).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static String cache(String model) {
        HttpResponse<String> answer = gateway.post("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"route settings\"}]}");
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.headers().firstValue("x-caravan-cache").orElse("(none)");
    }

    @Test
    void theRouteCachesWithItsOwnSettingsAndNothingElseDoes() {
        assertThat(cache("cached")).isEqualTo("miss");
        assertThat(cache("cached")).isEqualTo("hit");
        assertThat(cache("openai/gpt-4o-mini")).isEqualTo("bypass");
        assertThat(cache("openai/gpt-4o-mini")).isEqualTo("bypass");
        // the route's TTL of 1 s, not the gateway's hour
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> cache("cached").equals("miss"));
    }
}
