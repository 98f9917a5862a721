package caravan.providers.gemini;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static caravan.providers.gemini.GeminiRecordings.parse;
import static caravan.providers.gemini.GeminiRecordings.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The canonical request as Gemini's generateContent request: URL, headers, and the body field by field. */
class GeminiRequestTest {

    private static final String MODEL = "gemini-2.5-flash";
    private static final UpstreamSettings SETTINGS = new UpstreamSettings("gemini",
            "https://generativelanguage.googleapis.com", "gm-secret-key");
    private static final String HELLO = """
            {"model":"gemini/gemini-2.5-flash","messages":[{"role":"user","content":"Hello"}]}""";

    private static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final GeminiCodec codec = new GeminiCodec(new GeminiSettings(), NOW);

    // ---- URL and headers

    @Test
    void wholeAnswersComeFromGenerateContentOfTheModelUnderV1beta() {
        UpstreamRequest upstream = codec.encodeRequest(request(HELLO), "gemini-2.5-flash", SETTINGS);

        assertThat(upstream.url())
                .isEqualTo("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    }

    @Test
    void streamsComeFromStreamGenerateContentAsServerSentEvents() {
        UpstreamRequest upstream = codec.encodeRequest(request(HELLO.replace("{\"model\"", "{\"stream\":true,\"model\"")),
                "gemini-2.5-flash", SETTINGS);

        assertThat(upstream.url()).isEqualTo(
                "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(upstream.headers()).containsEntry("Accept", "text/event-stream");
    }

    @ParameterizedTest
    @CsvSource({
            "models/gemini-2.0-flash, , https://g.test/v1beta/models/gemini-2.0-flash:generateContent",
            "tunedModels/my-model-7, , https://g.test/v1beta/tunedModels/my-model-7:generateContent",
            "gemini-2.5-pro, v1, https://g.test/v1/models/gemini-2.5-pro:generateContent",
            "../files?key=x, , https://g.test/v1beta/models/..%2Ffiles%3Fkey%3Dx:generateContent"})
    void modelNamesAndApiVersionFormThePath(String model, String apiVersion, String url) {
        GeminiCodec versioned = new GeminiCodec(apiVersion(apiVersion), NOW);

        assertThat(versioned.encodeRequest(request(HELLO), model, new UpstreamSettings("gemini", "https://g.test/", "k")).url())
                .isEqualTo(url);
    }

    @Test
    void theKeyTravelsInTheGoogleHeaderAndNeverInTheUrl() {
        UpstreamRequest upstream = codec.encodeRequest(request(HELLO), "gemini-2.5-flash", SETTINGS);

        assertThat(upstream.headers()).containsEntry("x-goog-api-key", "gm-secret-key")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("Accept", "application/json")
                .doesNotContainKey("Authorization");
        assertThat(upstream.url()).doesNotContain("gm-secret-key").doesNotContain("key=");
    }

    @Test
    void noKeyHeaderWithoutAKey() {
        UpstreamSettings keyless = new UpstreamSettings("gemini", "http://127.0.0.1:9", " ");

        assertThat(codec.encodeRequest(request(HELLO), "gemini-2.5-flash", keyless).headers())
                .doesNotContainKey("x-goog-api-key");
    }

    @Test
    void theBaseUrlDefaultsToGooglesEndpoint() {
        assertThat(codec.defaultBaseUrl(SETTINGS)).isEqualTo("https://generativelanguage.googleapis.com");
    }

    // ---- body

    @Test
    void aConversationBecomesGeminiContentsWithSystemInstructionToolsAndGenerationConfig() {
        String openAi = """
                {"model":"gemini-2.5-flash","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"developer","content":[{"type":"text","text":"Use metric units."}]},
                  {"role":"user","content":"Weather in Paris and London?"},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_a","type":"function","function":{"name":"get_current_weather","arguments":"{\\"location\\":\\"Paris\\"}"}},
                    {"id":"call_b","type":"function","function":{"name":"get_current_weather","arguments":"{\\"location\\":\\"London\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_a","content":"{\\"temperature\\":21}"},
                  {"role":"tool","tool_call_id":"call_b","content":"rainy, 14 degrees"},
                  {"role":"assistant","content":"Paris 21, London 14."},
                  {"role":"user","content":"Thanks!"}],
                 "tools":[{"type":"function","function":{"name":"get_current_weather","description":"Current weather",
                   "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"],
                   "additionalProperties":false}}}],
                 "tool_choice":"auto","temperature":0.2,"top_p":0.9,"max_tokens":256,"stop":"END","n":2,"seed":7,
                 "presence_penalty":0.5,"frequency_penalty":0.25}""";

        JsonNode body = body(openAi);

        assertThat(body).isEqualTo(parse("""
                {"contents":[
                  {"role":"user","parts":[{"text":"Weather in Paris and London?"}]},
                  {"role":"model","parts":[
                    {"functionCall":{"name":"get_current_weather","args":{"location":"Paris"}}},
                    {"functionCall":{"name":"get_current_weather","args":{"location":"London"}}}]},
                  {"role":"user","parts":[
                    {"functionResponse":{"name":"get_current_weather","response":{"temperature":21}}},
                    {"functionResponse":{"name":"get_current_weather","response":{"result":"rainy, 14 degrees"}}}]},
                  {"role":"model","parts":[{"text":"Paris 21, London 14."}]},
                  {"role":"user","parts":[{"text":"Thanks!"}]}],
                 "systemInstruction":{"parts":[{"text":"You are terse."},{"text":"Use metric units."}]},
                 "tools":[{"functionDeclarations":[{"name":"get_current_weather","description":"Current weather",
                   "parameters":{"type":"OBJECT","properties":{"location":{"type":"STRING"}},"required":["location"]}}]}],
                 "toolConfig":{"functionCallingConfig":{"mode":"AUTO"}},
                 "generationConfig":{"temperature":0.2,"topP":0.9,"maxOutputTokens":256,"candidateCount":2,"seed":7,
                   "presencePenalty":0.5,"frequencyPenalty":0.25,"stopSequences":["END"]}}"""));
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokensAndStopListsPassAsTheyAre() {
        JsonNode config = body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"max_tokens":10,"max_completion_tokens":99,
                 "stop":["a","b"],"temperature":null}""").get("generationConfig");

        assertThat(config).isEqualTo(parse("{\"maxOutputTokens\":99,\"stopSequences\":[\"a\",\"b\"]}"));
    }

    @Test
    void noGenerationConfigWhenNothingIsSet() {
        assertThat(body(HELLO).has("generationConfig")).isFalse();
        assertThat(body(HELLO).has("systemInstruction")).isFalse();
        assertThat(body(HELLO).has("tools")).isFalse();
    }

    @Test
    void jsonSchemaResponseFormatBecomesResponseSchema() {
        JsonNode config = body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"city","strict":true,"schema":{"type":"object","additionalProperties":false,
                 "properties":{"name":{"type":"string"},"population":{"type":["integer","null"]}},
                 "required":["name","population"]}}}}""").get("generationConfig");

        assertThat(config).isEqualTo(parse("""
                {"responseMimeType":"application/json","responseSchema":{"type":"OBJECT","properties":{
                  "name":{"type":"STRING"},"population":{"type":"INTEGER","nullable":true}},
                 "required":["name","population"]}}"""));
    }

    @Test
    void jsonObjectResponseFormatAsksForJson() {
        JsonNode config = body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}""")
                .get("generationConfig");

        assertThat(config).isEqualTo(parse("{\"responseMimeType\":\"application/json\"}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"auto\"                                                | {\"mode\":\"AUTO\"}",
            "\"none\"                                                | {\"mode\":\"NONE\"}",
            "\"required\"                                            | {\"mode\":\"ANY\"}",
            "{\"type\":\"function\",\"function\":{\"name\":\"f\"}} | {\"mode\":\"ANY\",\"allowedFunctionNames\":[\"f\"]}"})
    void toolChoiceBecomesTheFunctionCallingMode(String toolChoice, String config) {
        JsonNode body = body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + toolChoice + "}");

        assertThat(body.at("/toolConfig/functionCallingConfig")).isEqualTo(parse(config));
    }

    @Test
    void aFunctionWithoutParametersIsDeclaredWithoutAnEmptyObjectSchema() {
        JsonNode declarations = body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[
                  {"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}},
                  {"type":"function","function":{"name":"ping"}}]}""").at("/tools/0/functionDeclarations");

        assertThat(declarations).isEqualTo(parse("[{\"name\":\"now\"},{\"name\":\"ping\"}]"));
    }

    @Test
    void imagesAudioAndFilesBecomeInlineOrFileData() {
        JsonNode parts = body("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"What is in these?"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.JPG?size=large"}},
                  {"type":"image_url","image_url":{"url":"https://www.youtube.com/watch?v=9hE5-98ZeCg"}},
                  {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                  {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"a.pdf"}},
                  {"type":"file","file":{"file_data":"JVBERi0=","filename":"report.pdf"}}]}]}""")
                .at("/contents/0/parts");

        assertThat(parts).isEqualTo(parse("""
                [{"text":"What is in these?"},
                 {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}},
                 {"fileData":{"mimeType":"image/jpeg","fileUri":"https://example.com/cat.JPG?size=large"}},
                 {"fileData":{"fileUri":"https://www.youtube.com/watch?v=9hE5-98ZeCg"}},
                 {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}},
                 {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}},
                 {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0="}}]"""));
    }

    @Test
    void mediaGeminiCannotReadIsA400NamingThePart() {
        GatewayException ftp = encodeFailure("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/a.png"}}]}]}""");
        GatewayException notBase64 = encodeFailure("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,%89PNG"}}]}]}""");
        GatewayException fileId = encodeFailure("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}""");

        assertThat(ftp.status()).isEqualTo(400);
        assertThat(ftp.param()).isEqualTo("messages[0].content[0].image_url.url");
        assertThat(notBase64.getMessage()).contains("base64");
        assertThat(fileId.param()).isEqualTo("messages[0].content[0].file.file_data");
    }

    @Test
    void toolResultsThatAreNotObjectsAreWrappedAsResult() {
        JsonNode parts = body("""
                {"model":"m","messages":[{"role":"user","content":"Go"},
                  {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"count","arguments":""}}]},
                  {"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"4"},{"type":"text","text":"2"}]},
                  {"role":"function","name":"legacy","content":"[1,2]"}]}""").at("/contents");

        assertThat(parts.get(1)).isEqualTo(parse("{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"count\",\"args\":{}}}]}"));
        assertThat(parts.get(2).get("parts")).isEqualTo(parse("""
                [{"functionResponse":{"name":"count","response":{"result":42}}},
                 {"functionResponse":{"name":"legacy","response":{"result":[1,2]}}}]"""));
    }

    @Test
    void aToolResultForACallNoAssistantMadeIsA400() {
        GatewayException error = encodeFailure("""
                {"model":"m","messages":[{"role":"user","content":"Go"},
                  {"role":"tool","tool_call_id":"call_nobody","content":"x"}]}""");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("messages[1].tool_call_id");
        assertThat(error.getMessage()).contains("call_nobody");
    }

    @Test
    void toolCallArgumentsThatAreNotAnObjectAreA400() {
        GatewayException error = encodeFailure("""
                {"model":"m","messages":[{"role":"user","content":"Go"},
                  {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}""");

        assertThat(error.param()).isEqualTo("messages[1].tool_calls[0].function.arguments");
    }

    @Test
    void toolChoiceGeminiHasNoModeForIsA400() {
        GatewayException error = encodeFailure("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],
                 "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"sometimes"}""");

        assertThat(error.param()).isEqualTo("tool_choice");
    }

    // ---- thought signatures: what Gemini sent comes back on the parts it came with

    @Test
    void toolCallSignaturesRoundTripOntoTheirFunctionCallParts() {
        ChatResponse answer = codec.decodeResponse(GeminiRecordings.bytes("function-call.json"), MODEL);
        ObjectNode assistant = (ObjectNode) answer.json().at("/choices/0/message");
        String next = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris and London?\"},"
                + assistant + ","
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + assistant.at("/tool_calls/0/id").asText() + "\",\"content\":\"21C\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + assistant.at("/tool_calls/1/id").asText() + "\",\"content\":\"14C\"}]}";

        JsonNode contents = body(next).get("contents");

        JsonNode recorded = parse(GeminiRecordings.bytes("function-call.json")).at("/candidates/0/content");
        assertThat(contents.get(1)).isEqualTo(recorded);
        assertThat(contents.at("/1/parts/0/thoughtSignature").asText()).startsWith("CiQBVKhc7oiJ5q1Wm3x");
        assertThat(contents.at("/1/parts/1").has("thoughtSignature")).isFalse();
        assertThat(contents.at("/2/parts/0/functionResponse/name").asText()).isEqualTo("get_current_weather");
    }

    @Test
    void aTextSignatureRoundTripsOntoTheFirstTextPartAndReasoningStaysBehind() {
        ChatResponse answer = codec.decodeResponse(GeminiRecordings.bytes("text-thoughts.json"), MODEL);
        JsonNode assistant = answer.json().at("/choices/0/message");
        String next = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Riddle?\"}," + assistant
                + ",{\"role\":\"user\",\"content\":\"Right!\"}]}";

        JsonNode model = body(next).at("/contents/1");

        assertThat(model).isEqualTo(parse("{\"role\":\"model\",\"parts\":[{\"text\":\"A map.\",\"thoughtSignature\":\""
                + parse(GeminiRecordings.bytes("text-thoughts.json")).at("/candidates/0/content/parts/1/thoughtSignature")
                .asText() + "\"}]}"));
    }

    @Test
    void aSignatureWithoutTextTravelsOnAnEmptyTextPart() {
        JsonNode model = body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"},
                  {"role":"assistant","content":null,"extra_content":{"google":{"thought_signature":"c2ln"}}},
                  {"role":"user","content":"Again"}]}""").at("/contents/1");

        assertThat(model).isEqualTo(parse("{\"role\":\"model\",\"parts\":[{\"text\":\"\",\"thoughtSignature\":\"c2ln\"}]}"));
    }

    // ---- helpers

    private JsonNode body(String openAi) {
        return parse(codec.encodeRequest(request(openAi), "gemini-2.5-flash", SETTINGS).body());
    }

    private GatewayException encodeFailure(String openAi) {
        return catchThrowableOfType(GatewayException.class,
                () -> codec.encodeRequest(request(openAi), "gemini-2.5-flash", SETTINGS));
    }

    private static GeminiSettings apiVersion(String apiVersion) {
        GeminiSettings settings = new GeminiSettings();
        settings.setApiVersion(apiVersion);
        return settings;
    }
}
