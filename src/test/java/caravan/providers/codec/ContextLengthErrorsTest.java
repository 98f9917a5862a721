package caravan.providers.codec;

import java.nio.charset.StandardCharsets;

import caravan.api.GatewayException;
import caravan.providers.ProviderCodec;
import caravan.providers.anthropic.AnthropicCodec;
import caravan.providers.bedrock.BedrockCodec;
import caravan.providers.cohere.CohereCodec;
import caravan.providers.gemini.GeminiCodec;
import caravan.providers.openai.OpenAiCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request too long for the model's context window has one code whatever the provider said, so a route
 * can fall back to a model with a larger window. The bodies are the providers' documented error shapes
 * with the words each uses for it.
 */
class ContextLengthErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            openai    | 400 | {"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}
            anthropic | 400 | {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 201234 tokens > 200000 maximum"}}
            gemini    | 400 | {"error":{"code":400,"message":"The input token count (1234567) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}
            bedrock   | 400 | {"message":"Input is too long for requested model."}
            cohere    | 400 | {"id":"e0d7e3a1","message":"too many tokens: total number of tokens in the prompt cannot exceed 128000 - received 130000. Try using a shorter prompt, or enabling prompt truncating."}
            """)
    void aRequestTooLongForTheWindowIsContextLengthExceeded(String provider, int status, String body) {
        GatewayException error = codec(provider).decodeError(status, body.getBytes(StandardCharsets.UTF_8), null);

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.code()).isEqualTo(GatewayException.CONTEXT_LENGTH_EXCEEDED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            anthropic | 400 | {"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}
            gemini    | 400 | {"error":{"code":400,"message":"Invalid JSON payload received.","status":"INVALID_ARGUMENT"}}
            """)
    void otherClientErrorsKeepTheirOwnCodes(String provider, int status, String body) {
        GatewayException error = codec(provider).decodeError(status, body.getBytes(StandardCharsets.UTF_8), null);

        assertThat(error.code()).isNotEqualTo(GatewayException.CONTEXT_LENGTH_EXCEEDED);
    }

    private static ProviderCodec codec(String provider) {
        return switch (provider) {
            case "openai" -> new OpenAiCodec();
            case "anthropic" -> new AnthropicCodec();
            case "gemini" -> new GeminiCodec();
            case "bedrock" -> new BedrockCodec();
            case "cohere" -> new CohereCodec();
            default -> throw new IllegalArgumentException(provider);
        };
    }
}
