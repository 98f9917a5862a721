package caravan.providers.azure;

import java.io.IOException;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.providers.openai.OpenAiErrors;

/**
 * Azure OpenAI's errors: OpenAI's error body, except that a refusal of Azure's content filter is the
 * client's to fix (its prompt), whatever status carried it: a 400 {@code content_filter}, Azure's message
 * kept.
 */
final class AzureErrors {

    private static final String CONTENT_FILTER = "content_filter";
    /** The {@code innererror.code} Azure gives a prompt its content filter refused. */
    private static final String POLICY_VIOLATION = "ResponsibleAIPolicyViolation";

    private AzureErrors() {
    }

    static GatewayException fromAnswer(int status, byte[] body, String retryAfter) {
        GatewayException error = OpenAiErrors.fromAnswer(status, body, retryAfter);
        boolean refused = CONTENT_FILTER.equals(error.code()) || POLICY_VIOLATION.equals(innerCode(body));
        return refused ? contentFilter(error) : error;
    }

    /** An error event of a stream, as the same 400 as a refused request when the content filter raised it. */
    static GatewayException fromStreamError(GatewayException error) {
        return CONTENT_FILTER.equals(error.code()) ? contentFilter(error) : error;
    }

    /** {@code error.innererror.code}, which names a content-filter refusal even when the outer code does not. */
    private static String innerCode(byte[] body) {
        try {
            return body == null ? null : Json.MAPPER.readTree(body).path("error").path("innererror").path("code").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static GatewayException contentFilter(GatewayException error) {
        return new GatewayException(400, ErrorType.INVALID_REQUEST.wireName(), CONTENT_FILTER, error.param(),
                error.getMessage(), null, null);
    }
}
