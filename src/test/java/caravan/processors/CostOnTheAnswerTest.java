package caravan.processors;

import static caravan.testing.PrometheusScrape.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import caravan.api.Json;
import caravan.api.TokenCount;
import caravan.routing.RoutingTestSupport;
import caravan.telemetry.CallListener;
import caravan.telemetry.CallRecord;
import caravan.telemetry.CallRecorder;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a call cost, as the client and the call's record see it, through the running gateway: a whole
 * answer says it in {@code x-caravan-cost-usd}, priced from the layer that prices its model (a local
 * models.yaml, then GATEWAY_PRICES_FILE in LiteLLM's format, then the packaged catalog); a model without a
 * price has no header, a record with a null cost and a count in caravan_unpriced_calls_total; a provider
 * that reports no usage is counted by the gateway and the record says estimated.
 */
class CostOnTheAnswerTest {

    private static final String COMPLETION = Recorded.text("openai", "completion.json");
    private static final String HELLO = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Caravan!\"}]}";
    private static final long PROMPT = TokenCount.ofRequest((com.fasterxml.jackson.databind.node.ArrayNode) Json.objectOrNull(
            HELLO.formatted("m").getBytes()).get("messages"), null);

    @TempDir
    static Path workDir;
    static FakeUpstream openai;
    static FakeUpstream vllm;
    static GatewayUnderTest gateway;
    static final Map<String, CallRecord> records = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.start(Answer.json(200, COMPLETION));
        vllm = FakeUpstream.start(Answer.json(200, COMPLETION));
        RoutingTestSupport.copyProject(workDir);
        // the local catalog prices one model of its own and lists a self-hosted model it does not price
        Files.writeString(workDir.resolve("models.yaml"), """
                providers:
                  openai:
                    models: [gpt-4o-mini]
                    prices:
                      gpt-4o-mini: {input: 1, output: 2}
                  vllm:
                    models: [mine]
                """);
        Files.copy(Path.of("src/test/resources/prices/model_prices_and_context_window.json"), workDir.resolve("litellm.json"));
        gateway = GatewayUnderTest.builder().workDir(workDir).openAi(openai)
                .property("providers.vllm.base-url", vllm.baseUrl())
                .property("gateway.prices-file", "litellm.json")
                .start();
        gateway.context().getRegistry().lookupByNameAndType("callRecorder", CallRecorder.class).subscribe(new CallListener() {
            @Override
            public void onCall(CallRecord call) {
                records.put(call.requestId(), call);
            }
        });
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
        vllm.close();
    }

    @Test
    void aWholeAnswerSaysWhatItCostAtThePriceOfTheLayerThatPricesItsModel() {
        // 19 input and 10 output tokens: the local models.yaml's 1 and 2 per million
        assertThat(costHeader(chat("openai/gpt-4o-mini"))).isEqualTo("0.00003900");
        // the LiteLLM file's 2 and 8 (the packaged catalog says 2.50 and 10)
        assertThat(costHeader(chat("openai/gpt-4o"))).isEqualTo("0.00011800");
        // only the packaged catalog prices it: 0.40 and 1.60
        assertThat(costHeader(chat("openai/gpt-4.1-mini"))).isEqualTo("0.00002360");
    }

    @Test
    void theRecordCarriesTheSameExactCostAndSaysTheUsageWasReported() {
        HttpResponse<String> answer = chat("openai/gpt-4o-mini");
        CallRecord record = recordOf(answer);

        assertThat(record.costUsd()).isEqualByComparingTo(costHeader(answer));
        assertThat(record.usageEstimated()).isFalse();
    }

    @Test
    void aModelWithoutAPriceHasNoCostNeverZeroAndIsCounted() {
        double before = unpriced();

        HttpResponse<String> answer = chat("vllm/mine");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("x-caravan-cost-usd")).isEmpty();
        CallRecord record = recordOf(answer);
        assertThat(record.usage()).isNotNull();
        assertThat(record.costUsd()).isNull();
        await().until(() -> unpriced() == before + 1);
    }

    @Test
    void anAnswerWithoutUsageIsCountedByTheGatewayAndMarkedEstimated() {
        ObjectNode withoutUsage = Json.objectOrNull(COMPLETION.getBytes());
        withoutUsage.remove("usage");
        openai.then(Answer.json(200, withoutUsage.toString()));

        HttpResponse<String> answer = chat("openai/gpt-4o-mini");

        long output = TokenCount.of("Hello! How can I assist you today?");
        BigDecimal expected = BigDecimal.valueOf(PROMPT + 2 * output).movePointLeft(6);
        assertThat(new BigDecimal(costHeader(answer))).isEqualByComparingTo(expected);
        CallRecord record = recordOf(answer);
        assertThat(record.usageEstimated()).isTrue();
        assertThat(record.usage().inputTokens()).isEqualTo(PROMPT);
        assertThat(record.usage().outputTokens()).isEqualTo(output);
    }

    @Test
    void aStreamCutBeforeItsUsageIsCountedFromWhatTheClientGot() {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        // every chunk but the usage chunk and [DONE], then the connection drops
        openai.then(new FakeUpstream.StreamScript().events(events.subList(0, events.size() - 2)).cut());

        HttpResponse<String> answer = gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Caravan!\"}]}");

        assertThat(answer.statusCode()).isEqualTo(200);
        // a stream's head went out before its cost was known
        assertThat(answer.headers().firstValue("x-caravan-cost-usd")).isEmpty();
        CallRecord record = recordOf(answer);
        long output = TokenCount.of("Hello! How can I help?");
        assertThat(record.usageEstimated()).isTrue();
        assertThat(record.usage().outputTokens()).isEqualTo(output);
        assertThat(record.costUsd()).isEqualByComparingTo(BigDecimal.valueOf(PROMPT + 2 * output).movePointLeft(6));
    }

    @Test
    void aCompleteStreamIsPricedFromItsReportedUsage() {
        openai.then(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));

        HttpResponse<String> answer = gateway.post("/v1/chat/completions",
                "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Caravan!\"}]}");

        CallRecord record = recordOf(answer);
        assertThat(record.usageEstimated()).isFalse();
        // 19 input at 1 and 8 output at 2
        assertThat(record.costUsd()).isEqualByComparingTo("0.000035");
    }

    private static HttpResponse<String> chat(String model) {
        HttpResponse<String> answer = gateway.post("/v1/chat/completions", HELLO.formatted(model));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer;
    }

    private static String costHeader(HttpResponse<String> answer) {
        return answer.headers().firstValue("x-caravan-cost-usd").orElseThrow();
    }

    private static CallRecord recordOf(HttpResponse<String> answer) {
        String id = answer.headers().firstValue("x-caravan-request-id").orElseThrow();
        await().until(() -> records.containsKey(id));
        return records.get(id);
    }

    private static double unpriced() {
        return value(gateway.get("/metrics").body(), "caravan_unpriced_calls_total", "model=\"mine\",provider=\"vllm\"");
    }
}
