package caravan.routing;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Camel's weighted and round-robin load balancers over models, and the least-latency strategy. */
class LoadBalancingTest {

    private static final String OK = Recorded.text("openai", "completion.json");

    @TempDir
    static Path workDir;
    static FakeUpstream fast;
    static FakeUpstream slow;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        fast = FakeUpstream.start(Answer.json(200, OK));
        slow = FakeUpstream.start(Answer.delayed(150, Answer.json(200, OK)));
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "balanced", """
                - route:
                    id: weighted-exact
                    group: policies
                    from:
                      uri: direct:weighted-exact
                      steps:
                        - loadBalance:
                            weightedLoadBalancer:
                              distributionRatio: "3,1"
                              roundRobin: true
                            steps:
                              - to: model:echo/three
                              - to: model:echo/one
                - route:
                    id: weighted-random
                    group: policies
                    from:
                      uri: direct:weighted-random
                      steps:
                        - loadBalance:
                            weightedLoadBalancer:
                              distributionRatio: "3,1"
                            steps:
                              - to: model:echo/three
                              - to: model:echo/one
                - route:
                    id: turns
                    group: policies
                    from:
                      uri: direct:turns
                      steps:
                        - loadBalance:
                            roundRobinLoadBalancer: {}
                            steps:
                              - to: model:echo/left
                              - to: model:echo/right
                - route:
                    id: fastest
                    group: policies
                    from:
                      uri: direct:fastest
                      steps:
                        - loadBalance:
                            customLoadBalancer:
                              ref: leastLatency
                            steps:
                              - to: model:vllm/slow-model
                              - to: model:openai/fast-model
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir)
                .property("providers.openai.base-url", fast.baseUrl())
                .property("providers.openai.api-key", "sk-test")
                .property("providers.vllm.base-url", slow.baseUrl())
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        fast.close();
        slow.close();
    }

    @Test
    void splitsExactlyByWeightInRoundRobinOrder() {
        Map<String, Integer> served = serve("weighted-exact", 1000);

        assertThat(served).containsEntry("three", 750).containsEntry("one", 250);
    }

    @Test
    void splitsRandomlyByWeightWithinTolerance() {
        Map<String, Integer> served = serve("weighted-random", 1000);

        // 3:1 over 1000 requests: 750 expected, standard deviation ~14; 60 is over four of them
        assertThat(served.get("three")).isBetween(690, 810);
        assertThat(served.get("three") + served.get("one")).isEqualTo(1000);
    }

    @Test
    void takesTurns() {
        assertThat(serve("turns", 10)).containsEntry("left", 5).containsEntry("right", 5);
    }

    @Test
    void prefersTheModelWithTheLowestRecentLatency() {
        serve("fastest", 2);

        Map<String, Integer> afterMeasuring = serve("fastest", 10);

        assertThat(afterMeasuring).containsEntry("fast-model", 10);
    }

    private static Map<String, Integer> serve(String route, int requests) {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response = gateway.post("/v1/chat/completions",
                    "{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            served.merge(response.headers().firstValue("x-caravan-model").orElseThrow(), 1, Integer::sum);
        }
        return served;
    }
}
