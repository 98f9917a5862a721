package caravan.routing;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A provider's breaker opens on failures, sends traffic past it while open, and closes after a good probe. */
class CircuitBreakerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK = Recorded.text("openai", "completion.json");

    @TempDir
    static Path workDir;
    static FakeUpstream failing;
    static FakeUpstream backup;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        failing = FakeUpstream.start(Answer.json(500, Recorded.text("openai", "error-500.json")));
        backup = FakeUpstream.start(Answer.json(200, OK));
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "guarded", """
                - route:
                    id: guarded
                    group: policies
                    from:
                      uri: direct:guarded
                      steps:
                        - loadBalance:
                            customLoadBalancer:
                              ref: fallback
                            steps:
                              - to: model:openai/primary
                              - to: model:vllm/backup
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir)
                .property("providers.openai.base-url", failing.baseUrl())
                .property("providers.openai.api-key", "sk-test")
                .property("providers.vllm.base-url", backup.baseUrl())
                .property("routing.breaker.window", "4")
                .property("routing.breaker.minimum-calls", "4")
                .property("routing.breaker.open-ms", "300")
                .property("routing.breaker.half-open-probes", "1")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        failing.close();
        backup.close();
    }

    @Test
    void opensOnFailuresSkipsTheProviderWhileOpenAndClosesAfterAGoodProbe() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(chat().headers().firstValue("x-caravan-provider")).hasValue("vllm");
        }
        assertThat(failing.requestCount()).isEqualTo(4);
        assertThat(breakerState()).isEqualTo("OPEN");

        HttpResponse<String> whileOpen = chat();
        assertThat(whileOpen.headers().firstValue("x-caravan-provider")).hasValue("vllm");
        assertThat(whileOpen.headers().firstValue("x-caravan-attempts")).hasValue("1");
        assertThat(failing.requestCount()).as("the open breaker kept calls away").isEqualTo(4);

        failing.fallback(Answer.json(200, OK));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> "openai".equals(chat().headers().firstValue("x-caravan-provider").orElse("")));
        assertThat(breakerState()).isEqualTo("CLOSED");
        assertThat(chat().headers().firstValue("x-caravan-provider")).hasValue("openai");
    }

    private static HttpResponse<String> chat() {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"guarded\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static String breakerState() throws Exception {
        return JSON.readTree(gateway.get("/v1/caravan/routing").body()).at("/circuit_breakers/openai").asText();
    }
}
