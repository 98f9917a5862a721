package caravan.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.ProviderAccount;
import caravan.api.Usage;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.testing.Recorded;
import caravan.testing.StreamAssembler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BedrockCodecTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2025-03-14T09:26:53Z"), ZoneOffset.UTC);
    private static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    private static final String ACCESS_KEY = "AKIDEXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final UpstreamSettings SETTINGS = upstream("https://bedrock-runtime.us-west-2.amazonaws.com");

    private final BedrockCodec codec = codec("us-west-2", null);

    // ---- URL, headers, signature

    @Test
    void postsToConverseWithTheModelIdEncodedInThePath() {
        UpstreamRequest upstream = codec.encodeRequest(request("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}"), MODEL, SETTINGS);

        assertThat(upstream.url()).isEqualTo("https://bedrock-runtime.us-west-2.amazonaws.com/model/"
                + "anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
        assertThat(upstream.headers()).containsEntry("Content-Type", "application/json")
                .containsEntry("Accept", "application/json");
    }

    @Test
    void streamsFromConverseStreamAskingForTheEventStream() {
        UpstreamRequest upstream = codec.encodeRequest(request("{\"model\":\"bedrock/m\",\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Hi\"}]}"), MODEL, SETTINGS);

        assertThat(upstream.url()).endsWith("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
        assertThat(upstream.headers()).containsEntry("Accept", "application/vnd.amazon.eventstream");
        assertThat(json(upstream.body()).has("stream")).isFalse();
    }

    @Test
    void signsWithSigV4ForBedrockInTheConfiguredRegion() {
        UpstreamRequest upstream = codec.encodeRequest(request("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}"), MODEL, SETTINGS);

        SigV4Signer signer = new SigV4Signer("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null, "us-west-2",
                "bedrock", NOW);
        SigV4Signer.Request signed = new SigV4Signer.Request("POST", "bedrock-runtime.us-west-2.amazonaws.com",
                "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse", null,
                List.of(Map.entry("Content-Type", "application/json")), upstream.body());
        assertThat(upstream.headers()).containsEntry("X-Amz-Date", "20250314T092653Z")
                .containsEntry("Authorization", signer.sign(signed).get("Authorization"))
                .doesNotContainKey("X-Amz-Security-Token");
        assertThat(upstream.headers().get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250314/"
                + "us-west-2/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=");
        assertThat(signer.canonicalRequest(signed, "20250314T092653Z"))
                .contains("\n/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse\n");
    }

    @Test
    void temporaryCredentialsSendAndSignTheSessionToken() {
        BedrockCodec withToken = codec("us-west-2", "FwoGZXIvYXdzEXAMPLE");

        Map<String, String> headers = withToken.encodeRequest(request("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}"), MODEL, SETTINGS).headers();

        assertThat(headers).containsEntry("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE");
        assertThat(headers.get("Authorization")).contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,");
    }

    @Test
    void aBaseUrlWithAPortAndAPathIsSignedAsTheClientSendsIt() {
        UpstreamSettings proxy = upstream("http://127.0.0.1:8089/bedrock");
        UpstreamRequest upstream = codec("eu-central-1", null).encodeRequest(request("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}"), "amazon.nova-lite-v1:0", proxy);

        SigV4Signer.Request signed = new SigV4Signer.Request("POST", "127.0.0.1:8089", "/bedrock/model/amazon.nova-lite-v1%3A0/converse",
                null, List.of(Map.entry("Content-Type", "application/json")), upstream.body());
        assertThat(upstream.url()).isEqualTo("http://127.0.0.1:8089/bedrock/model/amazon.nova-lite-v1%3A0/converse");
        assertThat(upstream.headers().get("Authorization")).isEqualTo(new SigV4Signer("AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null, "eu-central-1", "bedrock", NOW).sign(signed).get("Authorization"));
    }

    @Test
    void withoutCredentialsTheRequestIsNotSigned() {
        UpstreamSettings none = upstream("http://127.0.0.1:8089");
        BedrockCodec unsigned = codec("us-east-1", null, null, null);

        assertThat(unsigned.encodeRequest(request("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                MODEL, none).headers()).doesNotContainKeys("Authorization", "X-Amz-Date");
    }

    @Test
    void aTenantsOwnAccountSendsItsBedrockApiKeyAsABearerTokenAndIsNeverSignedWithTheGatewaysCredentials() {
        UpstreamSettings tenant = SETTINGS.forTenant("acme", new ProviderAccount("bedrock-api-key-acme", null));
        UpstreamSettings keyless = SETTINGS.forTenant("acme", new ProviderAccount(null, "http://127.0.0.1:8089"));
        ChatRequest hi = request("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(codec.encodeRequest(hi, MODEL, tenant).headers())
                .containsEntry("Authorization", "Bearer bedrock-api-key-acme")
                .doesNotContainKeys("X-Amz-Date", "X-Amz-Security-Token");
        assertThat(codec("us-west-2", "FwoGZXIvYXdzEXAMPLE").encodeRequest(hi, MODEL, keyless).headers())
                .doesNotContainKeys("Authorization", "X-Amz-Date", "X-Amz-Security-Token");
        assertThat(codec.hasCredentials(tenant)).isTrue();
        assertThat(codec.hasCredentials(keyless)).as("the gateway's AWS keys are not the tenant's").isFalse();
    }

    @Test
    void theDefaultEndpointIsTheRegionsBedrockRuntime() {
        assertThat(codec.defaultBaseUrl(SETTINGS)).isEqualTo("https://bedrock-runtime.us-west-2.amazonaws.com");
        assertThat(codec(" eu-west-3 ", null).defaultBaseUrl(upstream(null)))
                .isEqualTo("https://bedrock-runtime.eu-west-3.amazonaws.com");
        assertThat(codec(" ", null).defaultBaseUrl(upstream(null))).isEqualTo("https://bedrock-runtime.us-east-1.amazonaws.com");
    }

    @Test
    void credentialsAreAnAccessKeyAndASecretKey() {
        UpstreamSettings keyed = new UpstreamSettings("bedrock", null, "sk-ignored");

        assertThat(codec.hasCredentials(SETTINGS)).isTrue();
        assertThat(codec("us-east-1", "AKID", " ", null).hasCredentials(keyed)).isFalse();
        assertThat(codec("us-east-1", null, "secret", null).hasCredentials(keyed)).isFalse();
        assertThat(codec("us-east-1", "AKID", "secret", null).hasCredentials(
                new UpstreamSettings("bedrock", null, null))).isTrue();
    }

    // ---- body mapping

    @Test
    void mapsSystemMessagesSamplingParametersAndMaxTokens() {
        JsonNode body = encode("""
                {"model":"bedrock/m","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"developer","content":[{"type":"text","text":"Answer in English."}]},
                  {"role":"user","content":"Hi"}],
                 "max_completion_tokens":256,"max_tokens":999,"temperature":0.2,"top_p":0.9,"stop":["END","STOP"]}""");

        assertThat(body).isEqualTo(json("""
                {"system":[{"text":"You are terse."},{"text":"Answer in English."}],
                 "messages":[{"role":"user","content":[{"text":"Hi"}]}],
                 "inferenceConfig":{"maxTokens":256,"temperature":0.2,"topP":0.9,"stopSequences":["END","STOP"]}}"""));
    }

    @Test
    void maxTokensAndASingleStopStringAreMapped() {
        JsonNode body = encode("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_tokens\":64,\"stop\":\"END\"}");

        assertThat(body.get("inferenceConfig")).isEqualTo(json("{\"maxTokens\":64,\"stopSequences\":[\"END\"]}"));
    }

    @Test
    void withoutSamplingParametersThereIsNoInferenceConfig() {
        assertThat(encode("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").has("inferenceConfig"))
                .isFalse();
    }

    @Test
    void mapsImagesFromDataUrlsToImageBlocks() {
        JsonNode body = encode("""
                {"model":"bedrock/m","messages":[{"role":"user","content":[
                  {"type":"text","text":"What is in this picture?"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                  {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]}]}""");

        assertThat(body.get("messages")).isEqualTo(json("""
                [{"role":"user","content":[{"text":"What is in this picture?"},
                  {"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}},
                  {"image":{"format":"jpeg","source":{"bytes":"/9j/4AAQ"}}}]}]"""));
    }

    @Test
    void anImageByHttpUrlIsA400NamingThePart() {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> encode("""
                {"model":"bedrock/m","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}"""));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("messages[0].content[0].image_url.url");
    }

    @Test
    void anUnsupportedImageFormatIsA400() {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> encode("""
                {"model":"bedrock/m","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"data:image/tiff;base64,SUkqAA=="}}]}]}"""));

        assertThat(error.status()).isEqualTo(400);
    }

    @Test
    void mapsToolsToolCallsAndToolResultsMergingTheResultsIntoOneUserTurn() {
        JsonNode body = encode("""
                {"model":"bedrock/m","messages":[
                  {"role":"user","content":"What are the top songs on WZPZ and WKRP?"},
                  {"role":"assistant","content":"Let me check.","tool_calls":[
                    {"id":"tooluse_1","type":"function","function":{"name":"top_song","arguments":"{\\"sign\\":\\"WZPZ\\"}"}},
                    {"id":"tooluse_2","type":"function","function":{"name":"top_song","arguments":"{\\"sign\\":\\"WKRP\\"}"}}]},
                  {"role":"tool","tool_call_id":"tooluse_1","content":"{\\"song\\":\\"Elemental Hotel\\",\\"artist\\":\\"8 Storey Hike\\"}"},
                  {"role":"tool","tool_call_id":"tooluse_2","content":"Station not found."},
                  {"role":"user","content":"Thanks!"}],
                 "tools":[{"type":"function","function":{"name":"top_song","description":"Get the most popular song played on a radio station.",
                   "parameters":{"type":"object","properties":{"sign":{"type":"string"}},"required":["sign"]}}},
                   {"type":"function","function":{"name":"now"}}],
                 "tool_choice":"auto"}""");

        assertThat(body.get("messages")).isEqualTo(json("""
                [{"role":"user","content":[{"text":"What are the top songs on WZPZ and WKRP?"}]},
                 {"role":"assistant","content":[{"text":"Let me check."},
                   {"toolUse":{"toolUseId":"tooluse_1","name":"top_song","input":{"sign":"WZPZ"}}},
                   {"toolUse":{"toolUseId":"tooluse_2","name":"top_song","input":{"sign":"WKRP"}}}]},
                 {"role":"user","content":[
                   {"toolResult":{"toolUseId":"tooluse_1","content":[{"json":{"song":"Elemental Hotel","artist":"8 Storey Hike"}}]}},
                   {"toolResult":{"toolUseId":"tooluse_2","content":[{"text":"Station not found."}]}},
                   {"text":"Thanks!"}]}]"""));
        assertThat(body.get("toolConfig")).isEqualTo(json("""
                {"tools":[{"toolSpec":{"name":"top_song","description":"Get the most popular song played on a radio station.",
                   "inputSchema":{"json":{"type":"object","properties":{"sign":{"type":"string"}},"required":["sign"]}}}},
                  {"toolSpec":{"name":"now","inputSchema":{"json":{"type":"object","properties":{}}}}}],
                 "toolChoice":{"auto":{}}}"""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"required\"|{\"any\":{}}",
            "{\"type\":\"function\",\"function\":{\"name\":\"top_song\"}}|{\"tool\":{\"name\":\"top_song\"}}"})
    void mapsToolChoice(String toolChoice, String expected) {
        JsonNode body = encode("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"top_song\"}}],\"tool_choice\":" + toolChoice + "}");

        assertThat(body.get("toolConfig").get("toolChoice")).isEqualTo(json(expected));
    }

    @Test
    void toolChoiceNoneLeavesTheToolsOutUnlessTheConversationHoldsToolBlocks() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"top_song\"}}],\"tool_choice\":\"none\"";

        JsonNode fresh = encode("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + tools + "}");
        JsonNode withHistory = encode("{\"model\":\"bedrock/m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"top_song\",\"arguments\":\"\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"WZPZ\"}]," + tools + "}");

        assertThat(fresh.has("toolConfig")).isFalse();
        assertThat(withHistory.get("toolConfig").has("toolChoice")).isFalse();
        assertThat(withHistory.get("toolConfig").get("tools")).hasSize(1);
        assertThat(withHistory.at("/messages/1/content/0/toolUse/input")).isEqualTo(json("{}"));
    }

    @Test
    void consecutiveMessagesOfOneRoleAreMergedAndBlankTextIsLeftOut() {
        JsonNode body = encode("""
                {"model":"bedrock/m","messages":[
                  {"role":"user","content":"First."},
                  {"role":"user","content":[{"type":"text","text":"Second."},{"type":"text","text":"  "}]},
                  {"role":"assistant","content":"One."},
                  {"role":"assistant","content":""},
                  {"role":"assistant","content":[{"type":"text","text":"Two."}]},
                  {"role":"user","content":"Third."}]}""");

        assertThat(body.get("messages")).isEqualTo(json("""
                [{"role":"user","content":[{"text":"First."},{"text":"Second."}]},
                 {"role":"assistant","content":[{"text":"One."},{"text":"Two."}]},
                 {"role":"user","content":[{"text":"Third."}]}]"""));
    }

    @Test
    void thinkingBlocksGoBackAsReasoningContentBeforeTheToolUse() {
        JsonNode body = encode("""
                {"model":"bedrock/m","messages":[
                  {"role":"user","content":"Top song on WZPZ?"},
                  {"role":"assistant","content":null,"reasoning_content":"I should call top_song.",
                   "thinking_blocks":[{"type":"thinking","thinking":"I should call top_song.","signature":"sig-1"},
                                      {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4a"}],
                   "tool_calls":[{"id":"t1","type":"function","function":{"name":"top_song","arguments":"{\\"sign\\":\\"WZPZ\\"}"}}]},
                  {"role":"tool","tool_call_id":"t1","content":"Elemental Hotel"}]}""");

        assertThat(body.at("/messages/1/content")).isEqualTo(json("""
                [{"reasoningContent":{"reasoningText":{"text":"I should call top_song.","signature":"sig-1"}}},
                 {"reasoningContent":{"redactedContent":"EmwKAhgBEgy3va3pzix/LafPsn4a"}},
                 {"toolUse":{"toolUseId":"t1","name":"top_song","input":{"sign":"WZPZ"}}}]"""));
    }

    @Test
    void toolCallArgumentsThatAreNotAJsonObjectAreA400() {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> encode("""
                {"model":"bedrock/m","messages":[{"role":"user","content":"Hi"},
                  {"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"[1,2"}}]}]}"""));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("messages[1].tool_calls[0].function.arguments");
    }

    @Test
    void theLegacyFunctionRoleIsA400() {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> encode("""
                {"model":"bedrock/m","messages":[{"role":"user","content":"Hi"},{"role":"function","name":"f","content":"42"}]}"""));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("messages[1].role");
    }

    // ---- prompt caching: Anthropic's cache_control marks as Converse cachePoint blocks

    @Test
    void cacheControlMarksBecomeCachePointsAfterTheBlocksTheyEndInSystemMessagesAndTools() {
        // the canonical request as the Anthropic dialect writes an Anthropic client's marks
        JsonNode body = encode("""
                {"model":"bedrock/m","messages":[
                  {"role":"system","content":[{"type":"text","text":"Long rules."},
                    {"type":"text","text":"Longer rules.","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":[{"type":"text","text":"A long document.","cache_control":{"type":"ephemeral","ttl":"1h"}},
                    {"type":"text","text":"What does it say?"}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"t0","type":"function",
                    "function":{"name":"lookup","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"t0","content":"Found it.","cache_control":{"type":"ephemeral"}}],
                 "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}},
                   "cache_control":{"type":"ephemeral","ttl":"5m"}}]}""");

        assertThat(body.get("system")).isEqualTo(json("""
                [{"text":"Long rules."},{"text":"Longer rules."},{"cachePoint":{"type":"default"}}]"""));
        assertThat(body.at("/messages/0/content")).isEqualTo(json("""
                [{"text":"A long document."},{"cachePoint":{"type":"default","ttl":"1h"}},{"text":"What does it say?"}]"""));
        assertThat(body.at("/messages/2/content")).isEqualTo(json("""
                [{"toolResult":{"toolUseId":"t0","content":[{"text":"Found it."}]}},{"cachePoint":{"type":"default"}}]"""));
        assertThat(body.at("/toolConfig/tools")).isEqualTo(json("""
                [{"toolSpec":{"name":"lookup","inputSchema":{"json":{"type":"object"}}}},
                 {"cachePoint":{"type":"default","ttl":"5m"}}]"""));
    }

    @Test
    void aMarkOnTextConverseLeavesOutMarksNothingAndAnUnknownTtlIsNotSent() {
        JsonNode body = encode("""
                {"model":"bedrock/m","messages":[{"role":"user","content":[
                  {"type":"text","text":"   ","cache_control":{"type":"ephemeral"}},
                  {"type":"text","text":"Hi","cache_control":{"type":"ephemeral","ttl":"2d"}}]}]}""");

        assertThat(body.at("/messages/0/content")).isEqualTo(json("[{\"text\":\"Hi\"},{\"cachePoint\":{\"type\":\"default\"}}]"));
    }

    @Test
    void aRequestWithoutMarksHasNoCachePoints() {
        assertThat(encode("""
                {"model":"bedrock/m","messages":[{"role":"system","content":[{"type":"text","text":"Rules."}]},
                  {"role":"user","content":"Hi"}]}""").toString()).doesNotContain("cachePoint");
    }

    // ---- whole answers

    @Test
    void decodesATextAnswer() {
        ChatResponse response = codec.decodeResponse(Recorded.bytes("bedrock", "completion.json"), MODEL);

        ObjectNode json = response.json();
        assertThat(json.get("id").asText()).startsWith("chatcmpl-");
        assertThat(json.get("object").asText()).isEqualTo("chat.completion");
        assertThat(json.get("created").asLong()).isEqualTo(NOW.instant().getEpochSecond());
        assertThat(json.get("model").isTextual()).isTrue();
        // Converse does not name the model: the one that was called does
        assertThat(json.get("model").asText()).isEqualTo(MODEL);
        assertThat(json.get("choices")).isEqualTo(json("""
                [{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}]"""));
        assertThat(json(json.get("usage").toString())).isEqualTo(json("{\"prompt_tokens\":12,\"completion_tokens\":10,\"total_tokens\":22}"));
        assertThat(response.usage()).isEqualTo(new Usage(12, 10, 0, 0, 0));
    }

    @Test
    void decodesToolUseWithTheInputAsArgumentsAndCacheTokensInTheInputBucket() {
        ChatResponse response = codec.decodeResponse(Recorded.bytes("bedrock", "completion-tool-use.json"), MODEL);

        assertThat(response.json().at("/choices/0")).isEqualTo(json("""
                {"index":0,"message":{"role":"assistant","content":"I'll look up the most popular songs on both stations.",
                  "tool_calls":[
                    {"id":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q","type":"function","function":{"name":"top_song","arguments":"{\\"sign\\":\\"WZPZ\\"}"}},
                    {"id":"tooluse_8NjPzLxNSDuWMOhDaHUeMw","type":"function","function":{"name":"top_song","arguments":"{\\"sign\\":\\"WKRP\\"}"}}]},
                 "finish_reason":"tool_calls"}"""));
        assertThat(response.usage()).isEqualTo(new Usage(412 + 1900 + 200, 98, 1900, 200, 0));
        assertThat(json(response.json().get("usage").toString())).isEqualTo(json("""
                {"prompt_tokens":2512,"completion_tokens":98,"total_tokens":2610,
                 "prompt_tokens_details":{"cached_tokens":1900,"cache_creation_tokens":200}}"""));
    }

    @Test
    void decodesReasoningIntoReasoningContentAndThinkingBlocks() {
        ChatResponse response = codec.decodeResponse(Recorded.bytes("bedrock", "completion-reasoning.json"), MODEL);

        assertThat(response.json().at("/choices/0/message")).isEqualTo(json("""
                {"role":"assistant","content":"17 × 3 = 51.","reasoning_content":"The user asks for 17 times 3. 17 * 3 = 51.",
                 "thinking_blocks":[{"type":"thinking","thinking":"The user asks for 17 times 3. 17 * 3 = 51.",
                   "signature":"ErUBCkYIBRgCIkDd4pvvOFcR2WJt6cs1dXZ2"}]}"""));
    }

    @ParameterizedTest
    @CsvSource({"end_turn,stop", "stop_sequence,stop", "max_tokens,length", "model_context_window_exceeded,length",
            "tool_use,tool_calls", "guardrail_intervened,content_filter", "content_filtered,content_filter",
            "malformed_model_output,stop"})
    void mapsStopReasonsToFinishReasons(String stopReason, String finishReason) {
        String body = Recorded.text("bedrock", "completion.json").replace("\"end_turn\"", "\"" + stopReason + "\"");

        assertThat(codec.decodeResponse(bytes(body), MODEL).json().at("/choices/0/finish_reason").asText()).isEqualTo(finishReason);
    }

    @Test
    void aBodyThatIsNotAConverseResponseIsA502() {
        assertThat(catchThrowableOfType(GatewayException.class, () -> codec.decodeResponse(bytes("<html>oops</html>"), MODEL)).status())
                .isEqualTo(502);
        assertThat(catchThrowableOfType(GatewayException.class,
                () -> codec.decodeResponse(bytes("{\"stopReason\":\"end_turn\"}"), MODEL)).status()).isEqualTo(502);
    }

    // ---- streams

    @ParameterizedTest
    @CsvSource({"stream.json,completion.json", "stream-tool-use.json,completion-tool-use.json",
            "stream-reasoning.json,completion-reasoning.json"})
    void aRecordedStreamSpellsWhatItsWholeAnswerSays(String stream, String whole) {
        List<ChatChunk> chunks = decodeStream(EventStreamFrames.recordedBody(stream));

        assertThat(StreamAssembler.assemble(chunks))
                .isEqualTo(StreamAssembler.of(codec.decodeResponse(Recorded.bytes("bedrock", whole), MODEL)));
    }

    @ParameterizedTest
    @CsvSource({"stream.json", "stream-tool-use.json", "stream-reasoning.json"})
    void aStreamSplitAtEveryByteDecodesTheSame(String stream) {
        byte[] body = EventStreamFrames.recordedBody(stream);
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        for (byte b : body) {
            decoder.decode(new byte[] {b}, chunks::add);
        }
        decoder.finish(chunks::add);

        List<ChatChunk> whole = decodeStream(body);
        assertThat(chunks).hasSameSizeAs(whole);
        for (int i = 0; i < chunks.size(); i++) {
            ObjectNode split = chunks.get(i).json().deepCopy();
            ObjectNode expected = whole.get(i).json().deepCopy();
            split.remove("id");
            expected.remove("id");
            assertThat(split).isEqualTo(expected);
            assertThat(chunks.get(i).usage()).isEqualTo(whole.get(i).usage());
        }
        assertThat(decoder.endOfStream()).isTrue();
    }

    @Test
    void aTextStreamIsRoleContentFinishAndUsage() {
        List<ChatChunk> chunks = decodeStream(EventStreamFrames.recordedBody("stream.json"));

        assertThat(chunks).extracting(c -> c.json().get("choices").toString()).containsExactly(
                "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]",
                "[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]",
                "[{\"index\":0,\"delta\":{\"content\":\"! How can I\"},\"finish_reason\":null}]",
                "[{\"index\":0,\"delta\":{\"content\":\" help you today?\"},\"finish_reason\":null}]",
                "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]",
                "[]");
        assertThat(chunks).extracting(c -> c.json().get("object").asText()).containsOnly("chat.completion.chunk");
        assertThat(chunks).extracting(c -> c.json().get("id").asText()).containsOnly(chunks.get(0).json().get("id").asText());
        assertThat(chunks).extracting(c -> c.json().get("model").asText()).containsOnly(MODEL);
        assertThat(chunks.subList(0, 5)).noneMatch(ChatChunk::usageOnly);
        ChatChunk last = chunks.get(5);
        assertThat(last.usageOnly()).isTrue();
        assertThat(last.usage()).isEqualTo(new Usage(12, 10, 0, 0, 0));
        assertThat(json(last.json().get("usage").toString())).isEqualTo(json("{\"prompt_tokens\":12,\"completion_tokens\":10,\"total_tokens\":22}"));
    }

    @Test
    void streamedToolCallsOpenWithIdAndNameAndCarryEveryArgumentPiece() {
        List<ChatChunk> chunks = decodeStream(EventStreamFrames.recordedBody("stream-tool-use.json"));

        List<String> toolCallDeltas = chunks.stream().map(c -> c.json().at("/choices/0/delta/tool_calls"))
                .filter(JsonNode::isArray).map(JsonNode::toString).toList();
        assertThat(toolCallDeltas).containsExactly(
                "[{\"index\":0,\"id\":\"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q\",\"type\":\"function\",\"function\":{\"name\":\"top_song\",\"arguments\":\"\"}}]",
                "[{\"index\":0,\"function\":{\"arguments\":\"{\\\"sign\\\"\"}}]",
                "[{\"index\":0,\"function\":{\"arguments\":\":\\\"WZPZ\\\"}\"}}]",
                "[{\"index\":1,\"id\":\"tooluse_8NjPzLxNSDuWMOhDaHUeMw\",\"type\":\"function\",\"function\":{\"name\":\"top_song\",\"arguments\":\"\"}}]",
                "[{\"index\":1,\"function\":{\"arguments\":\"{\\\"sign\\\":\\\"WK\"}}]",
                "[{\"index\":1,\"function\":{\"arguments\":\"RP\\\"}\"}}]");
        assertThat(chunks.get(chunks.size() - 2).json().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(chunks.get(chunks.size() - 1).usage()).isEqualTo(new Usage(2512, 98, 1900, 200, 0));
    }

    @Test
    void streamedReasoningCarriesTheTextAndTheSignature() {
        List<ChatChunk> chunks = decodeStream(EventStreamFrames.recordedBody("stream-reasoning.json"));

        assertThat(chunks.get(1).json().at("/choices/0/delta")).isEqualTo(json("{\"reasoning_content\":\"The user asks for 17 times 3.\"}"));
        assertThat(chunks.get(3).json().at("/choices/0/delta")).isEqualTo(json(
                "{\"thinking_blocks\":[{\"type\":\"thinking\",\"signature\":\"ErUBCkYIBRgCIkDd4pvvOFcR2WJt6cs1dXZ2\"}]}"));
    }

    @Test
    void redactedReasoningIsPassedOnAsARedactedThinkingBlock() {
        byte[] body = concat(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
                EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":"
                        + "{\"redactedContent\":\"EmwKAhgBEgy3va3pzix\"}}}"));

        List<ChatChunk> chunks = decodeStream(body);

        assertThat(chunks.get(1).json().at("/choices/0/delta")).isEqualTo(json(
                "{\"thinking_blocks\":[{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"}]}"));
    }

    @Test
    void theStreamEndsAtMessageStopAndTheMetadataBringsTheUsage() {
        List<byte[]> messages = EventStreamFrames.recorded("stream.json");
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        for (byte[] message : messages.subList(0, messages.size() - 1)) {
            decoder.decode(message, chunks::add);
        }
        assertThat(decoder.endOfStream()).isTrue();
        assertThat(decoder.usage()).isNull();
        decoder.decode(messages.get(messages.size() - 1), chunks::add);

        assertThat(decoder.usage()).isEqualTo(new Usage(12, 10, 0, 0, 0));
        assertThat(chunks.get(chunks.size() - 1).usageOnly()).isTrue();
    }

    @Test
    void aStreamCutBeforeMessageStopHasNotEnded() {
        List<byte[]> messages = EventStreamFrames.recorded("stream.json");
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        for (byte[] message : messages.subList(0, 4)) {
            decoder.decode(message, chunk -> { });
        }
        decoder.finish(chunk -> { });

        assertThat(decoder.endOfStream()).isFalse();
    }

    @Test
    void aStreamThatStartsWithContentStillOpensWithTheRole() {
        List<ChatChunk> chunks = decodeStream(EventStreamFrames.event("contentBlockDelta",
                "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}"));

        assertThat(chunks).extracting(c -> c.json().at("/choices/0/delta").toString())
                .containsExactly("{\"role\":\"assistant\",\"content\":\"\"}", "{\"content\":\"Hi\"}");
    }

    @ParameterizedTest
    @CsvSource({"throttlingException,429", "serviceUnavailableException,503", "validationException,400",
            "modelStreamErrorException,502", "internalServerException,502", "someFutureException,502"})
    void exceptionEventsAreThrownWithTheirStatus(String exceptionType, int status) {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();
        byte[] body = concat(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
                EventStreamFrames.message(Map.of(":exception-type", exceptionType, ":content-type", "application/json",
                        ":message-type", "exception"), bytes("{\"message\":\"The stream failed.\"}")));

        GatewayException error = catchThrowableOfType(GatewayException.class, () -> decoder.decode(body, chunks::add));

        assertThat(chunks).hasSize(1);
        assertThat(error.status()).isEqualTo(status);
        assertThat(error.getMessage()).isEqualTo("The stream failed.");
    }

    @Test
    void theRecordedThrottledStreamFailsWithA429AfterItsFirstChunks() {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> decoder.decode(EventStreamFrames.recordedBody("stream-throttled.json"), chunks::add));

        assertThat(chunks).hasSize(2);
        assertThat(error.status()).isEqualTo(429);
        assertThat(error.type()).isEqualTo("rate_limit_error");
        assertThat(error.getMessage()).isEqualTo("Too many tokens, please wait before trying again.");
    }

    @Test
    void anEventStreamErrorMessageIsA502() {
        byte[] error = EventStreamFrames.message(Map.of(":message-type", "error", ":error-code", "InternalFailure",
                ":error-message", "The stream broke."), new byte[0]);

        GatewayException thrown = catchThrowableOfType(GatewayException.class, () -> decodeStream(error));

        assertThat(thrown.status()).isEqualTo(502);
        assertThat(thrown.getMessage()).isEqualTo("The stream broke.");
    }

    @Test
    void aCorruptedFrameInTheStreamIsA502() {
        byte[] body = EventStreamFrames.recordedBody("stream.json");
        body[body.length - 1] ^= 0x01;

        assertThat(catchThrowableOfType(GatewayException.class, () -> decodeStream(body)).status()).isEqualTo(502);
    }

    @Test
    void anEventWhosePayloadIsNotJsonIsA502() {
        assertThat(catchThrowableOfType(GatewayException.class,
                () -> decodeStream(EventStreamFrames.event("contentBlockDelta", "<html>"))).status()).isEqualTo(502);
    }

    // ---- errors

    @ParameterizedTest
    @CsvSource({
            "400,errors/validation-400.json,400,invalid_request_error,",
            "403,errors/access-denied-403.json,403,permission_error,",
            "403,errors/invalid-signature-403.json,403,permission_error,",
            "404,errors/not-found-404.json,404,not_found_error,",
            "408,errors/model-timeout-408.json,504,timeout_error,upstream_timeout",
            "424,errors/model-error-424.json,502,upstream_error,upstream_error",
            "429,errors/throttling-429.json,429,rate_limit_error,rate_limit_exceeded",
            "500,errors/internal-500.json,502,upstream_error,upstream_error",
            "503,errors/service-unavailable-503.json,503,upstream_error,service_unavailable"})
    void mapsErrorAnswersByStatusKeepingBedrocksMessage(int status, String file, int expectedStatus, String type, String code)
            throws IOException {
        GatewayException error = codec.decodeError(status, Recorded.bytes("bedrock", file), null);

        assertThat(error.status()).isEqualTo(expectedStatus);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.getMessage()).isEqualTo(Json.MAPPER.readTree(Recorded.bytes("bedrock", file)).get("message").asText());
    }

    @Test
    void throttlingAndUnavailabilityKeepRetryAfter() {
        assertThat(codec.decodeError(429, Recorded.bytes("bedrock", "errors/throttling-429.json"), "7").retryAfter()).isEqualTo("7");
        assertThat(codec.decodeError(503, Recorded.bytes("bedrock", "errors/service-unavailable-503.json"), "3").retryAfter())
                .isEqualTo("3");
    }

    @Test
    void aCapitalisedMessageFieldIsReadToo() {
        GatewayException error = codec.decodeError(403, bytes("{\"Message\":\"User: arn:aws:iam::123456789012:user/x is not "
                + "authorized to perform: bedrock:InvokeModel\"}"), null);

        assertThat(error.getMessage()).startsWith("User: arn:aws:iam::123456789012:user/x is not authorized");
    }

    @Test
    void aBodyThatIsNotJsonIsA502WithoutTheBody() {
        GatewayException error = codec.decodeError(503, bytes("<html><body>Service Unavailable</body></html>"), "5");

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.getMessage()).doesNotContain("<html>").contains("503");
    }

    @Test
    void anEmptyErrorBodyIsMappedByItsStatus() {
        GatewayException error = codec.decodeError(429, new byte[0], "2");

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.retryAfter()).isEqualTo("2");
        assertThat(error.getMessage()).isEqualTo("Bedrock answered HTTP 429.");
    }

    // ---- helpers

    private List<ChatChunk> decodeStream(byte[] body) {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(body, chunks::add);
        decoder.finish(chunks::add);
        return chunks;
    }

    private JsonNode encode(String request) {
        return json(codec.encodeRequest(request(request), MODEL, SETTINGS).body());
    }

    private static UpstreamSettings upstream(String baseUrl) {
        return new UpstreamSettings("bedrock", baseUrl, null);
    }

    /** A codec signing for {@code region} with the example credentials (and {@code sessionToken}, if any). */
    private static BedrockCodec codec(String region, String sessionToken) {
        return codec(region, ACCESS_KEY, SECRET_KEY, sessionToken);
    }

    private static BedrockCodec codec(String region, String accessKey, String secretKey, String sessionToken) {
        BedrockSettings settings = new BedrockSettings();
        settings.setRegion(region);
        settings.setAccessKey(accessKey);
        settings.setSecretKey(secretKey);
        settings.setSessionToken(sessionToken);
        return new BedrockCodec(settings, NOW);
    }

    private static ChatRequest request(String json) {
        byte[] body = bytes(json);
        return new ChatRequest((ObjectNode) json(body), body);
    }

    private static JsonNode json(String text) {
        return json(bytes(text));
    }

    private static JsonNode json(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
