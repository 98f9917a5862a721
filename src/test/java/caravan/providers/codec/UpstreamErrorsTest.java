package caravan.providers.codec;

import static org.assertj.core.api.Assertions.assertThat;

import caravan.api.GatewayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The status policy every codec's error mapping follows. */
class UpstreamErrorsTest {

    @ParameterizedTest
    @CsvSource({"400, invalid_request_error", "401, authentication_error", "403, permission_error",
            "404, not_found_error", "409, invalid_request_error", "422, invalid_request_error", "429, rate_limit_error"})
    void aClientErrorKeepsItsStatusAndIsTypedByIt(int status, String type) {
        GatewayException error = UpstreamErrors.of(status, null, null, null, "no", "3");

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.getMessage()).isEqualTo("no");
        assertThat(error.retryAfter()).isEqualTo("3");
    }

    @Test
    void aClientErrorKeepsTheTypeAndFieldsTheProviderNamed() {
        GatewayException error = UpstreamErrors.of(400, "invalid_request_error", "context_length_exceeded", "messages",
                "too long", null);

        assertThat(error.code()).isEqualTo("context_length_exceeded");
        assertThat(error.param()).isEqualTo("messages");
    }

    @ParameterizedTest
    @CsvSource({"500", "502", "503", "504", "529"})
    void aServerErrorIsA502UpstreamErrorWithTheProvidersMessage(int status) {
        GatewayException error = UpstreamErrors.of(status, "api_error", null, null, "boom", null);

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.type()).isEqualTo("upstream_error");
        assertThat(error.code()).isEqualTo("upstream_error");
        assertThat(error.getMessage()).isEqualTo("boom");
    }

    @Test
    void aServerErrorKeepsTheCodeTheProviderGave() {
        assertThat(UpstreamErrors.of(500, null, "internal", null, "boom", null).code()).isEqualTo("internal");
    }

    @Test
    void anOverloadedProviderIsARetryable503() {
        GatewayException error = UpstreamErrors.overloaded("upstream_overloaded", "Overloaded", "5");

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.type()).isEqualTo("upstream_error");
        assertThat(error.retryAfter()).isEqualTo("5");
    }

    @Test
    void anUnreadableBodySaysWhatTheStatusWas() {
        assertThat(UpstreamErrors.statusMessage(418)).isEqualTo("The upstream provider answered HTTP 418.");
    }
}
