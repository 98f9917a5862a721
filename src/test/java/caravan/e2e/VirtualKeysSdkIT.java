package caravan.e2e;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A platform team's day with the packaged jar: the operator makes virtual keys over HTTP with the master
 * key, and applications use them exactly as they used OpenAI and Anthropic keys, through the official
 * SDKs: answers, streams, rate-limit headers, and each refusal as the SDK's own exception.
 */
class VirtualKeysSdkIT {

    private static final String MASTER_KEY = "sk-caravan-e2e-master";
    private static final String OPENAI_KEY = "sk-provider-e2e";
    private static final String ANTHROPIC_KEY = "sk-ant-provider-e2e";
    private static final String SCOPE = "[\"openai/gpt-4o-mini\",\"anthropic/claude-sonnet-4-5\"]";

    @TempDir
    static Path workDir;

    static FakeUpstream openai;
    static FakeUpstream anthropic;
    static GatewayProcess gateway;
    static GatewayCalls operator;

    @BeforeAll
    static void start() throws Exception {
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        anthropic = FakeUpstream.start(Answer.json(200, Recorded.text("anthropic", "message.json")));
        gateway = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), Map.of(
                "GATEWAY_MASTER_KEY", MASTER_KEY,
                "GATEWAY_DATA_DIR", workDir.resolve("data").toString(),
                "OPENAI_BASE_URL", openai.baseUrl(),
                "OPENAI_API_KEY", OPENAI_KEY,
                "ANTHROPIC_BASE_URL", "http://127.0.0.1:" + anthropic.port(),
                "ANTHROPIC_API_KEY", ANTHROPIC_KEY)).awaitReady();
        operator = new GatewayCalls(gateway, MASTER_KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        openai.close();
        anthropic.close();
    }

    @BeforeEach
    void defaultAnswers() {
        openai.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
        anthropic.reset(Answer.json(200, Recorded.text("anthropic", "message.json")));
    }

    @Test
    void theOpenAiSdkCompletesAndStreamsWithAVirtualKey() throws Exception {
        JsonNode key = operator.createKey("{\"name\":\"support-bot\",\"tenant\":\"sdk-apps\",\"models\":" + SCOPE
                + ",\"rpm\":20,\"budget_usd\":1}");
        String id = key.get("id").asText();
        OpenAIClient client = openAi(key.get("key").asText());

        HttpResponseFor<ChatCompletion> whole = client.chat().completions().withRawResponse().create(chat("gpt-4o-mini"));

        assertThat(whole.parse().choices().get(0).message().content()).hasValue("Hello! How can I assist you today?");
        assertThat(whole.headers().values("x-caravan-key-id")).containsExactly(id);
        assertThat(whole.headers().values("x-caravan-tenant")).containsExactly("sdk-apps");
        assertRequestLimitHeaders(whole.headers().values("x-ratelimit-limit-requests"),
                whole.headers().values("x-ratelimit-remaining-requests"));
        FakeUpstream.Received sent = openai.takeRequest();
        // the provider sees the gateway's own key, never the application's
        assertThat(sent.headers().get("Authorization")).isEqualTo("Bearer " + OPENAI_KEY);
        assertThat(sent.headers().toString()).doesNotContain(key.get("key").asText());

        openai.reset(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        StringBuilder content = new StringBuilder();
        HttpResponseFor<StreamResponse<ChatCompletionChunk>> streamed =
                client.chat().completions().withRawResponse().createStreaming(chat("gpt-4o-mini"));
        try (StreamResponse<ChatCompletionChunk> stream = streamed.parse()) {
            stream.stream().forEach(chunk -> chunk.choices()
                    .forEach(choice -> choice.delta().content().ifPresent(content::append)));
        }

        assertThat(content).hasToString("Hello! How can I help?");
        assertThat(streamed.headers().values("x-caravan-key-id")).containsExactly(id);
        assertRequestLimitHeaders(streamed.headers().values("x-ratelimit-limit-requests"),
                streamed.headers().values("x-ratelimit-remaining-requests"));
        // both calls were priced against the key's budget (the spend is written within a second)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                operator.adminGet("/admin/keys/" + id).get("spend_usd").decimalValue()).isGreaterThan(BigDecimal.ZERO));
        // and are in the usage ledger, which the application reads with its own key: its calls only
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode own = GatewayCalls.ok(operator.call("GET", "/v1/caravan/usage", null,
                    "Authorization", "Bearer " + key.get("key").asText()), 200).get("data");
            assertThat(own).hasSize(1);
            assertThat(own.get(0).at("/group/model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(own.get(0).get("requests").asLong()).isEqualTo(2);
            assertThat(own.get(0).get("input_tokens").asLong()).isEqualTo(19 + 19);
            assertThat(own.get(0).get("output_tokens").asLong()).isEqualTo(10 + 8);
            assertThat(own.get(0).get("cost_usd").decimalValue()).isPositive();
        });
        JsonNode byKey = operator.adminGet("/admin/usage?group_by=key&tenant=sdk-apps").get("data");
        assertThat(byKey.findValuesAsText("key")).contains(id);
    }

    @Test
    void aModelOutsideTheScopeIsTheSdksPermissionDenied() {
        OpenAIClient client = openAi(operator.createKey("{\"tenant\":\"sdk-apps\",\"models\":" + SCOPE + "}").get("key").asText());

        PermissionDeniedException refused = catchThrowableOfType(PermissionDeniedException.class,
                () -> client.chat().completions().create(chat("openai/gpt-4o")));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.code()).hasValue("model_not_allowed");
        assertThat(refused.param()).hasValue("model");
        assertThat(openai.requestCount()).isZero();
    }

    @Test
    void overTheRequestsPerMinuteTheSdkRaisesItsRateLimitException() {
        OpenAIClient client = openAi(operator.createKey("{\"tenant\":\"sdk-apps\",\"rpm\":1}").get("key").asText());
        client.chat().completions().create(chat("gpt-4o-mini"));

        RateLimitException refused = catchThrowableOfType(RateLimitException.class,
                () -> client.chat().completions().create(chat("gpt-4o-mini")));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.code()).hasValue("rpm_limit");
        assertThat(refused.type()).hasValue("rate_limit_exceeded");
        assertThat(refused.headers().values("Retry-After")).singleElement()
                .satisfies(seconds -> assertThat(Long.parseLong(seconds)).isGreaterThanOrEqualTo(1));
        assertThat(openai.requestCount()).as("no provider is called over the limit").isEqualTo(1);
    }

    @Test
    void aSpentBudgetIsTheSdksRateLimitExceptionWithInsufficientQuota() {
        OpenAIClient client = openAi(operator.createKey("{\"tenant\":\"sdk-apps\",\"budget_usd\":0}").get("key").asText());

        RateLimitException refused = catchThrowableOfType(RateLimitException.class,
                () -> client.chat().completions().create(chat("gpt-4o-mini")));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.code()).hasValue("budget_exceeded");
        assertThat(refused.type()).hasValue("insufficient_quota");
        // the error object as the SDK hands it to an application that inspects it
        assertThat(refused.body().convert(Map.class)).containsEntry("code", "budget_exceeded")
                .containsEntry("type", "insufficient_quota");
        assertThat(openai.requestCount()).isZero();
    }

    @Test
    void aRevokedKeyIsTheSdksUnauthorizedException() {
        JsonNode key = operator.createKey("{\"tenant\":\"sdk-apps\"}");
        OpenAIClient client = openAi(key.get("key").asText());
        client.chat().completions().create(chat("gpt-4o-mini"));

        operator.revokeKey(key.get("id").asText());
        UnauthorizedException refused = catchThrowableOfType(UnauthorizedException.class,
                () -> client.chat().completions().create(chat("gpt-4o-mini")));

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.code()).hasValue("invalid_api_key");
    }

    @Test
    void theAnthropicSdkSendsTheVirtualKeyAsXApiKeyWholeAndStreamed() throws Exception {
        JsonNode key = operator.createKey("{\"tenant\":\"sdk-apps\",\"models\":" + SCOPE + ",\"rpm\":20,\"budget_usd\":1}");
        AnthropicClient client = anthropic(key.get("key").asText());

        com.anthropic.core.http.HttpResponseFor<Message> whole = client.messages().withRawResponse()
                .create(message("claude-sonnet-4-5"));

        assertThat(whole.parse().content().get(0).text().orElseThrow().text()).isEqualTo("Hi! My name is Claude.");
        assertThat(whole.headers().values("x-caravan-key-id")).containsExactly(key.get("id").asText());
        assertRequestLimitHeaders(whole.headers().values("x-ratelimit-limit-requests"),
                whole.headers().values("x-ratelimit-remaining-requests"));
        FakeUpstream.Received sent = anthropic.takeRequest();
        assertThat(sent.headers().get("x-api-key")).isEqualTo(ANTHROPIC_KEY);

        anthropic.reset(Answer.sse(Recorded.sseEvents("anthropic", "stream-text.sse")));
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream =
                     client.messages().createStreaming(message("claude-sonnet-4-5"))) {
            stream.stream().forEach(accumulator::accumulate);
        }

        assertThat(accumulator.message().content()).extracting(block -> block.text().orElseThrow().text())
                .containsExactly("Hello!");
        assertThat(anthropic.takeRequest().headers().get("x-api-key")).isEqualTo(ANTHROPIC_KEY);
    }

    @Test
    void theAnthropicSdkMeetsARevokedKeyAndTheLimitAsItsOwnExceptions() {
        JsonNode key = operator.createKey("{\"tenant\":\"sdk-apps\",\"rpm\":1}");
        AnthropicClient client = anthropic(key.get("key").asText());
        client.messages().create(message("claude-sonnet-4-5"));

        com.anthropic.errors.RateLimitException limited = catchThrowableOfType(com.anthropic.errors.RateLimitException.class,
                () -> client.messages().create(message("claude-sonnet-4-5")));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.errorType()).hasValue(ErrorType.RATE_LIMIT_ERROR);
        assertThat(Long.parseLong(limited.headers().values("Retry-After").get(0))).isGreaterThanOrEqualTo(1);
        assertThat(anthropic.requestCount()).isEqualTo(1);

        operator.revokeKey(key.get("id").asText());
        com.anthropic.errors.UnauthorizedException revoked = catchThrowableOfType(
                com.anthropic.errors.UnauthorizedException.class, () -> client.messages().create(message("claude-sonnet-4-5")));
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.errorType()).hasValue(ErrorType.AUTHENTICATION_ERROR);
    }

    @Test
    void theAnthropicSdkMeetsTheScopeAsPermissionDenied() {
        AnthropicClient client = anthropic(operator.createKey("{\"tenant\":\"sdk-apps\",\"models\":" + SCOPE + "}")
                .get("key").asText());

        com.anthropic.errors.PermissionDeniedException refused = catchThrowableOfType(
                com.anthropic.errors.PermissionDeniedException.class, () -> client.messages().create(message("claude-haiku-4-5")));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.errorType()).hasValue(ErrorType.PERMISSION_ERROR);
        assertThat(anthropic.requestCount()).isZero();
    }

    @Test
    void spendSettledWhileTheGatewayStopsIsThereAfterARestart(@TempDir Path ownDir) throws Exception {
        Map<String, String> environment = Map.of("GATEWAY_MASTER_KEY", MASTER_KEY,
                "GATEWAY_DATA_DIR", ownDir.resolve("data").toString(),
                "OPENAI_BASE_URL", openai.baseUrl(), "OPENAI_API_KEY", OPENAI_KEY);
        CompletableFuture<Void> release = new CompletableFuture<>();
        openai.reset(exchange -> release.thenRun(() -> exchange.vertx().runOnContext(
                v -> Answer.json(200, Recorded.text("openai", "completion.json")).answer(exchange))));
        String id;
        try (GatewayProcess first = GatewayProcess.start(ownDir, GatewayUnderTest.freePort(), environment).awaitReady()) {
            JsonNode key = new GatewayCalls(first, MASTER_KEY).createKey("{\"tenant\":\"restarts\",\"budget_usd\":1}");
            id = key.get("id").asText();
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(first.url("/v1")).apiKey(key.get("key").asText())
                    .maxRetries(0).build();
            CompletableFuture<ChatCompletion> inFlight = CompletableFuture.supplyAsync(
                    () -> client.chat().completions().create(chat("gpt-4o-mini")));
            openai.takeRequest();

            // stopped with a call in flight: it is answered while the gateway stops, and what it cost is written
            first.terminate();
            await().atMost(Duration.ofSeconds(10)).until(() -> first.output().contains("Shutting down Apache Camel"));
            release.complete(null);

            assertThat(inFlight.get(20, TimeUnit.SECONDS).choices()).hasSize(1);
            first.awaitExit();
            assertThat(first.output()).doesNotContain("could not be written at stop");
        }

        try (GatewayProcess second = GatewayProcess.start(ownDir, GatewayUnderTest.freePort(), environment).awaitReady()) {
            GatewayCalls operatorAgain = new GatewayCalls(second, MASTER_KEY);
            assertThat(operatorAgain.adminGet("/admin/keys/" + id).get("spend_usd").decimalValue())
                    .isGreaterThan(BigDecimal.ZERO);
            // the call answered while the gateway stopped is in the usage ledger, written at stop
            JsonNode usage = operatorAgain.adminGet("/admin/usage?group_by=key&tenant=restarts").get("data");
            assertThat(usage).hasSize(1);
            assertThat(usage.get(0).at("/group/key").asText()).isEqualTo(id);
            assertThat(usage.get(0).get("requests").asLong()).isEqualTo(1);
        }
    }

    /** The key's rpm of 20 is the only request limit: remaining is what is left of it, never more than 19 after a call. */
    private static void assertRequestLimitHeaders(java.util.List<String> limit, java.util.List<String> remaining) {
        assertThat(limit).containsExactly("20");
        assertThat(remaining).singleElement().satisfies(left -> assertThat(Integer.parseInt(left)).isBetween(0, 19));
    }

    private static OpenAIClient openAi(String virtualKey) {
        // no retries: a 429 must reach the test as the SDK's exception, not be retried away
        return OpenAIOkHttpClient.builder().baseUrl(gateway.url("/v1")).apiKey(virtualKey).maxRetries(0).build();
    }

    private static AnthropicClient anthropic(String virtualKey) {
        return AnthropicOkHttpClient.builder().baseUrl(gateway.url("")).apiKey(virtualKey).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello from the SDK").build();
    }

    private static MessageCreateParams message(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage("Hello from the Anthropic SDK").build();
    }
}
