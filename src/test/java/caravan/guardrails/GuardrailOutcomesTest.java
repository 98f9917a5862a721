package caravan.guardrails;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import caravan.api.GuardrailOutcomes;
import caravan.api.Variables;
import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.PrometheusScrape;
import caravan.testing.Recorded;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a guardrail did reaches every place that reports it: the {@code x-caravan-guardrails} header, the
 * {@code guardrailOutcomes} variable the usage ledger reads when the call has ended (read here the way the
 * ledger's tap reads it), a {@code guardrail <name>} span under the request's, and
 * {@code caravan_guardrail_*} metrics. Each action, sampling and async mode are checked through a route of
 * their own.
 */
class GuardrailOutcomesTest {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    /** The outcomes summary of each call, read when it ended, as the ledger's tap reads it. */
    private static final BlockingQueue<String> ENDED = new LinkedBlockingQueue<>();

    @TempDir
    static Path workDir;
    static FakeUpstream openai;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        policy("warned", "guardrail:banned?terms=hello&action=warn");
        policy("redacted", "guardrail:banned?terms=hello&action=redact");
        policy("blocked", "guardrail:banned?terms=hello&action=block");
        policy("sampled-out", "guardrail:banned?terms=hello&action=block&sample=0");
        policy("beside", "guardrail:banned?terms=hello&action=block&mode=async");
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        Processor ledgerTap = exchange -> exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                GuardrailOutcomes outcomes = done.getVariable(Variables.GUARDRAIL_OUTCOMES, GuardrailOutcomes.class);
                ENDED.add(outcomes == null ? "" : outcomes.summary());
            }
        });
        gateway = GatewayUnderTest.builder().workDir(workDir).openAi(openai)
                .bean("openTelemetry", sdk)
                .bean("ledgerTap", ledgerTap)
                .start();
    }

    private static void policy(String id, String guardrail) throws Exception {
        RoutingTestSupport.writePolicy(workDir, id, """
                - route:
                    id: %s
                    group: policies
                    from:
                      uri: direct:%s
                      steps:
                        - process:
                            ref: ledgerTap
                        - to: %s
                        - to: model:openai/gpt-4o-mini
                """.formatted(id, id, guardrail));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
    }

    @BeforeEach
    void reset() {
        openai.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
        SPANS.reset();
        ENDED.clear();
    }

    @Test
    void warnLetsTheCallThroughAndSaysSo() throws Exception {
        HttpResponse<String> response = chat("warned");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("banned=warned");
        assertThat(new String(openai.takeRequest().body())).contains("hello there");
        assertThat(ENDED.poll(5, TimeUnit.SECONDS)).isEqualTo("banned=warned");
    }

    @Test
    void redactReplacesWhatWasFound() throws Exception {
        HttpResponse<String> response = chat("redacted");

        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("banned=redacted");
        assertThat(new String(openai.takeRequest().body())).contains("[BANNED] there").doesNotContain("hello");
    }

    @Test
    void blockStopsTheCallAndItsSpanSaysWhy() throws Exception {
        HttpResponse<String> response = chat("blocked");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("banned=blocked");
        assertThat(openai.requestCount()).isZero();
        assertThat(ENDED.poll(5, TimeUnit.SECONDS)).isEqualTo("banned=blocked");

        await().atMost(Duration.ofSeconds(5)).until(() -> SPANS.getFinishedSpanItems().stream()
                .anyMatch(span -> span.getKind() == SpanKind.SERVER));
        SpanData server = SPANS.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.SERVER)
                .findFirst().orElseThrow();
        SpanData check = SPANS.getFinishedSpanItems().stream().filter(span -> span.getName().equals("guardrail banned"))
                .findFirst().orElseThrow();
        assertThat(check.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(check.getAttributes().get(AttributeKey.stringKey("caravan.guardrail.outcome"))).isEqualTo("blocked");
        assertThat(check.getAttributes().get(AttributeKey.stringKey("caravan.guardrail.stage"))).isEqualTo("pre");
        assertThat(check.getAttributes().get(AttributeKey.doubleKey("caravan.guardrail.score"))).isEqualTo(1.0);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("caravan.guardrail.outcomes"))).isEqualTo("banned=blocked");
    }

    @Test
    void aSampledOutCheckDoesNotRun() {
        HttpResponse<String> response = chat("sampled-out");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).isEmpty();
    }

    @Test
    void anAsyncCheckNeverHoldsTheCallAndIsRecordedWhenItEnds() throws Exception {
        double before = checks("banned", "beside", "warned");

        HttpResponse<String> response = chat("beside");

        // a block in async mode only records: the call went through and waited for nothing
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-guardrails")).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> checks("banned", "beside", "warned") == before + 1);
    }

    @Test
    void metricsCountEachOutcomeAndTime() {
        double before = checks("banned", "blocked", "blocked");

        chat("blocked");

        assertThat(checks("banned", "blocked", "blocked")).isEqualTo(before + 1);
        String scrape = gateway.get("/metrics").body();
        assertThat(PrometheusScrape.value(scrape, "caravan_guardrail_duration_seconds_count",
                "guardrail=\"banned\",stage=\"pre\"")).isPositive();
    }

    private static double checks(String guardrail, String route, String outcome) {
        return PrometheusScrape.value(gateway.get("/metrics").body(), "caravan_guardrail_checks_total",
                "guardrail=\"" + guardrail + "\",outcome=\"" + outcome + "\",route=\"" + route + "\",stage=\"pre\"");
    }

    private static HttpResponse<String> chat(String model) {
        return gateway.post("/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"hello there"}]}""".formatted(model));
    }

}
