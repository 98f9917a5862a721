package caravan.api;

import java.util.regex.Pattern;

import caravan.dialect.anthropic.AnthropicDialect;
import caravan.dialect.openai.OpenAiDialect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A client reads what is wrong with its JSON, never the gateway's class names. */
class JsonParseProblemTest {

    private static final Pattern JAVA_NAME = Pattern.compile("\\b(com|org|java|io|caravan)\\.[a-z]+|`|Exception|\\$");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"model\":\"x\",\"messages\":[]} {}",
            "{\"model\":\"x\",\"messages\":[]} trailing",
            "{\"model\":",
            "{\"model\" \"x\"}",
            "{'model':'x'}",
            "{\"model\":NaN}",
            "{\"a\":01}",
            "{\"a\":\"\u0001\"}",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            "\u00ff\u00fe{}",
            "{\"model\":tru}",
    })
    void describesTheProblemWithoutJavaInternals(String body) {
        String deep = body.startsWith("[[") ? "[".repeat(5_000) + "]".repeat(5_000) : body;
        for (Dialect dialect : new Dialect[] {OpenAiDialect.INSTANCE, AnthropicDialect.INSTANCE}) {
            GatewayException error = catchThrowableOfType(GatewayException.class,
                    () -> dialect.decodeRequest(deep.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

            assertThat(error).isNotNull();
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.getMessage()).doesNotContainPattern(JAVA_NAME).hasSizeLessThan(400);
        }
    }
}
