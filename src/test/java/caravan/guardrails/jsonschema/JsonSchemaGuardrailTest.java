package caravan.guardrails.jsonschema;

import caravan.api.Json;
import caravan.guardrails.Verdict;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/** Answers against response_format, tool calls against their tools' parameters. */
class JsonSchemaGuardrailTest {

    private static final String SCHEMA_REQUEST = """
            {"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"person","schema":
             {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},
              "required":["name","age"],"additionalProperties":false}}}}""";
    private static final String TOOLS_REQUEST = """
            {"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"get_weather","parameters":
             {"type":"object","properties":{"city":{"type":"string"},"unit":{"enum":["c","f"]}},"required":["city"]}}}]}""";

    @Test
    void contentMatchesTheResponseFormatSchema() {
        assertThat(judge(SCHEMA_REQUEST, answer("{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36}")).score()).isZero();
        Verdict missing = judge(SCHEMA_REQUEST, answer("{\\\"name\\\":\\\"Ada\\\"}"));
        assertThat(missing.score()).isEqualTo(1.0);
        assertThat(missing.reason()).startsWith("the answer does not match the response_format schema").contains("age");
        assertThat(judge(SCHEMA_REQUEST, answer("not json at all")).reason()).contains("not the JSON");
    }

    @Test
    void jsonObjectMeansAnObject() {
        String request = "{\"model\":\"m\",\"messages\":[],\"response_format\":{\"type\":\"json_object\"}}";

        assertThat(judge(request, answer("{\\\"a\\\":1}")).score()).isZero();
        assertThat(judge(request, answer("[1,2]")).score()).isEqualTo(1.0);
    }

    @Test
    void toolCallArgumentsMatchTheToolsParameters() {
        assertThat(judge(TOOLS_REQUEST, call("get_weather", "{\\\"city\\\":\\\"Oslo\\\",\\\"unit\\\":\\\"c\\\"}")).score()).isZero();
        Verdict wrong = judge(TOOLS_REQUEST, call("get_weather", "{\\\"unit\\\":\\\"kelvin\\\"}"));
        assertThat(wrong.score()).isEqualTo(1.0);
        assertThat(wrong.reason()).contains("tool 'get_weather'").contains("city");
        assertThat(judge(TOOLS_REQUEST, call("delete_everything", "{}")).reason()).contains("does not offer");
        assertThat(judge(TOOLS_REQUEST, call("get_weather", "{city: Oslo")).reason()).contains("not JSON");
    }

    @Test
    @Timeout(10)
    void aCraftedPatternRunsInLinearTime() {
        String request = """
                {"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":
                 {"type":"object","properties":{"s":{"type":"string","pattern":"^(a+)+$"}}}}}}""";
        String evil = "a".repeat(50_000) + "!";

        assertThat(judge(request, answer("{\\\"s\\\":\\\"" + evil + "\\\"}")).score()).isEqualTo(1.0);
    }

    @Test
    void aSchemaThatCannotBeCompiledIsACheckNotMade() {
        String request = """
                {"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":
                 {"type":"object","properties":{"s":{"type":"string","pattern":"(?<=a)b"}}}}}}""";

        try {
            JsonSchemaGuardrail.judge(json(request), json(answer("{\\\"s\\\":\\\"ab\\\"}")));
            throw new AssertionError("expected the schema to be refused");
        } catch (RuntimeException expected) {
            assertThat(expected.getMessage()).contains("schema cannot be used");
        }
    }

    @Test
    void aSchemaFromTheRequestNeverMakesTheGatewayFetchAUrl() throws Exception {
        try (caravan.testing.FakeUpstream elsewhere = caravan.testing.FakeUpstream.start(
                caravan.testing.FakeUpstream.Answer.json(200, "{\"type\":\"string\"}"))) {
            String request = """
                    {"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":
                     {"type":"object","properties":{"s":{"$ref":"http://127.0.0.1:%d/s.json"}}}}}}""".formatted(elsewhere.port());

            try {
                JsonSchemaGuardrail.judge(json(request), json(answer("{\\\"s\\\":1}")));
            } catch (RuntimeException refused) {
                // a schema whose $ref cannot be resolved without fetching is one the gateway cannot use: fine
            }

            assertThat(elsewhere.requestCount()).isZero();
        }
    }

    private static Verdict judge(String request, String answer) {
        return JsonSchemaGuardrail.judge(json(request), json(answer));
    }

    private static String answer(String content) {
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"}}]}";
    }

    private static String call(String name, String arguments) {
        return "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":\"" + arguments + "\"}}]}}]}";
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }
}
