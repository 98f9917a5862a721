package caravan.providers.gemini;

import static caravan.providers.gemini.GeminiRecordings.bytes;
import static caravan.providers.gemini.GeminiRecordings.parse;
import static caravan.providers.gemini.GeminiRecordings.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole Gemini answers and Google's error bodies as the gateway's canonical answers and errors. */
class GeminiResponseTest {

    /** An alias: Gemini's {@code modelVersion} names the model that answered it. */
    private static final String MODEL = "gemini-flash-latest";

    private final GeminiCodec codec = new GeminiCodec(new GeminiSettings(), Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    // ---- decodeResponse

    @Test
    void aTextAnswerBecomesAChatCompletion() {
        JsonNode completion = codec.decodeResponse(bytes("text.json"), MODEL).json();

        assertThat(completion.get("id").asText()).isEqualTo("8MLcaNaNGu-vz7IPxe2H4Qw");
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("created").asLong()).isPositive();
        assertThat(completion.get("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(completion.get("choices")).isEqualTo(parse("""
                [{"index":0,"message":{"role":"assistant","content":"The capital of France is Paris."},"finish_reason":"stop"}]"""));
    }

    @Test
    void usageFillsEveryBucketFromUsageMetadata() {
        ChatResponse response = codec.decodeResponse(bytes("text.json"), MODEL);

        // prompt 2061 (1017 of them cached); 7 candidate tokens + 36 thought tokens
        assertThat(response.usage()).isEqualTo(new Usage(2061, 43, 1017, 0, 36));
        // re-read: the codec writes longs, a parse yields ints, and Jackson tells those nodes apart
        assertThat(parse(response.json().get("usage").toString())).isEqualTo(parse("""
                {"prompt_tokens":2061,"completion_tokens":43,"total_tokens":2104,
                 "prompt_tokens_details":{"cached_tokens":1017},"completion_tokens_details":{"reasoning_tokens":36}}"""));
    }

    @Test
    void toolUsePromptTokensCountAsInput() {
        byte[] body = text("text.json").replace("\"cachedContentTokenCount\": 1017,", "\"toolUsePromptTokenCount\": 500,")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(codec.decodeResponse(body, MODEL).usage()).isEqualTo(new Usage(2561, 43, 0, 0, 36));
    }

    @Test
    void thoughtPartsBecomeReasoningAndATextSignatureBecomesExtraContent() {
        JsonNode message = codec.decodeResponse(bytes("text-thoughts.json"), MODEL).json().at("/choices/0/message");

        assertThat(message.get("content").asText()).isEqualTo("A map.");
        assertThat(message.get("reasoning_content").asText()).startsWith("**Solving the riddle**");
        assertThat(message.at("/extra_content/google/thought_signature").asText()).startsWith("EpAHCo0HAdHtim9");
    }

    @Test
    void functionCallsBecomeToolCallsWithStableIdsJsonArgumentsAndTheirSignature() {
        JsonNode choice = codec.decodeResponse(bytes("function-call.json"), MODEL).json().at("/choices/0");

        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/content").isNull()).isTrue();
        JsonNode calls = choice.at("/message/tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).get("id").asText()).isEqualTo("call_Ou3caPLGMZ2bz7IP0rWR8Ac_0");
        assertThat(calls.get(1).get("id").asText()).isEqualTo("call_Ou3caPLGMZ2bz7IP0rWR8Ac_1");
        assertThat(calls.get(0).get("type").asText()).isEqualTo("function");
        assertThat(calls.get(0).at("/function/name").asText()).isEqualTo("get_current_weather");
        assertThat(parse(calls.get(1).at("/function/arguments").asText()))
                .isEqualTo(parse("{\"location\":\"London, UK\",\"unit\":\"celsius\"}"));
        assertThat(calls.get(0).at("/extra_content/google/thought_signature").asText()).startsWith("CiQBVKhc7oiJ5q1Wm3x");
        assertThat(calls.get(1).has("extra_content")).isFalse();
    }

    @Test
    void geminisOwnCallIdIsKept() {
        ObjectNode answer = (ObjectNode) parse(bytes("function-call.json"));
        ((ObjectNode) answer.at("/candidates/0/content/parts/0/functionCall")).put("id", "fc-77");
        byte[] body = answer.toString().getBytes(StandardCharsets.UTF_8);

        JsonNode calls = codec.decodeResponse(body, MODEL).json().at("/choices/0/message/tool_calls");

        assertThat(calls.get(0).get("id").asText()).isEqualTo("fc-77");
        assertThat(calls.get(1).get("id").asText()).isEqualTo("call_Ou3caPLGMZ2bz7IP0rWR8Ac_1");
    }

    @Test
    void everyCandidateIsAChoice() {
        byte[] body = """
                {"candidates":[{"content":{"parts":[{"text":"Red"}],"role":"model"},"finishReason":"STOP","index":0},
                  {"content":{"parts":[{"text":"Blue"}],"role":"model"},"finishReason":"MAX_TOKENS","index":1}],
                 "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7},
                 "modelVersion":"gemini-2.0-flash","responseId":"r1"}""".getBytes(StandardCharsets.UTF_8);

        JsonNode choices = codec.decodeResponse(body, MODEL).json().get("choices");

        assertThat(choices).hasSize(2);
        assertThat(choices.at("/1/index").asInt()).isEqualTo(1);
        assertThat(choices.at("/1/message/content").asText()).isEqualTo("Blue");
        assertThat(choices.at("/1/finish_reason").asText()).isEqualTo("length");
    }

    @ParameterizedTest
    @CsvSource({"STOP, stop", "MAX_TOKENS, length", "SAFETY, content_filter", "RECITATION, content_filter",
            "BLOCKLIST, content_filter", "PROHIBITED_CONTENT, content_filter", "SPII, content_filter",
            "IMAGE_SAFETY, content_filter", "OTHER, stop", "MALFORMED_FUNCTION_CALL, stop"})
    void finishReasonsMapToOpenAis(String gemini, String openAi) {
        byte[] body = text("text.json").replace("\"STOP\"", "\"" + gemini + "\"").getBytes(StandardCharsets.UTF_8);

        assertThat(codec.decodeResponse(body, MODEL).json().at("/choices/0/finish_reason").asText()).isEqualTo(openAi);
    }

    @Test
    void aCandidateTheFiltersWithheldIsAContentFilterFinishWithoutContent() {
        JsonNode choice = codec.decodeResponse(bytes("candidate-safety.json"), MODEL).json().at("/choices/0");

        assertThat(choice.get("finish_reason").asText()).isEqualTo("content_filter");
        assertThat(choice.at("/message/content").isNull()).isTrue();
    }

    @Test
    void aBlockedPromptIsAClear400NamingTheBlockReason() {
        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> codec.decodeResponse(bytes("prompt-blocked.json"), MODEL));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.code()).isEqualTo("content_filter");
        assertThat(error.getMessage()).contains("blockReason: SAFETY").contains("HARM_CATEGORY_DANGEROUS_CONTENT");
    }

    @Test
    void anAnswerWithoutAModelVersionIsNamedByTheCalledModel() {
        byte[] body = text("text.json").replace("\"modelVersion\": \"gemini-2.5-flash\",", "")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(codec.decodeResponse(body, MODEL).json().get("model").asText()).isEqualTo(MODEL);
    }

    @Test
    void anAnswerWithNeitherCandidatesNorABlockReasonIsA502() {
        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> codec.decodeResponse("{\"modelVersion\":\"gemini-2.5-flash\"}".getBytes(StandardCharsets.UTF_8), MODEL));

        assertThat(error.status()).isEqualTo(502);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>oops</html>", "[1,2]", ""})
    void aBodyThatIsNotAGeminiResponseIsA502(String body) {
        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> codec.decodeResponse(body.getBytes(StandardCharsets.UTF_8), MODEL));

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.type()).isEqualTo("upstream_error");
    }

    // ---- decodeError

    @ParameterizedTest
    @CsvSource({
            "error-400.json,          400, 400, invalid_request_error, invalid_argument",
            "error-400-location.json, 400, 400, invalid_request_error, failed_precondition",
            "error-401.json,          401, 401, authentication_error,  unauthenticated",
            "error-403.json,          403, 403, permission_error,      permission_denied",
            "error-404.json,          404, 404, not_found_error,       not_found",
            "error-429.json,          429, 429, rate_limit_error,      resource_exhausted",
            "error-500.json,          500, 502, upstream_error,        internal",
            "error-503.json,          503, 503, upstream_error,        unavailable",
            "error-504.json,          504, 502, upstream_error,        deadline_exceeded"})
    void googleStatusesMapToTheGatewaysKeepingGooglesMessage(String file, int upstreamStatus, int status, String type,
                                                             String code) {
        GatewayException error = codec.decodeError(upstreamStatus, bytes(file), null);

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.getMessage()).isEqualTo(parse(bytes(file)).at("/error/message").asText());
    }

    @Test
    void anInvalidKeyIsTheGatewaysAuthenticationFailureNotTheClientsBadRequest() {
        GatewayException error = codec.decodeError(400, bytes("error-400-api-key.json"), null);

        assertThat(error.status()).isEqualTo(401);
        assertThat(error.type()).isEqualTo("authentication_error");
        assertThat(error.code()).isEqualTo("invalid_api_key");
        assertThat(error.getMessage()).isEqualTo("API key not valid. Please pass a valid API key.");
    }

    @Test
    void aRateLimitKeepsRetryAfterAndOtherwiseReadsGooglesRetryDelay() {
        assertThat(codec.decodeError(429, bytes("error-429.json"), "20").retryAfter()).isEqualTo("20");
        assertThat(codec.decodeError(429, bytes("error-429.json"), null).retryAfter()).isEqualTo("37");
        byte[] fractional = text("error-429.json").replace("\"37s\"", "\"0.25s\"").getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decodeError(429, fractional, null).retryAfter()).isEqualTo("1");
    }

    @Test
    void anOverloadedModelKeepsRetryAfterAndOtherErrorsDropIt() {
        assertThat(codec.decodeError(503, bytes("error-503.json"), "5").retryAfter()).isEqualTo("5");
        assertThat(codec.decodeError(500, bytes("error-500.json"), "5").retryAfter()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"503, 503", "502, 502", "500, 502", "404, 404", "401, 401", "429, 429"})
    void anErrorPageWithoutGooglesEnvelopeKeepsOnlyItsStatus(int upstreamStatus, int status) {
        byte[] html = "<html><body><h1>Service Unavailable</h1></body></html>".getBytes(StandardCharsets.UTF_8);

        GatewayException error = codec.decodeError(upstreamStatus, html, null);

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.getMessage()).isEqualTo("The upstream provider answered HTTP " + upstreamStatus + ".");
    }
}
