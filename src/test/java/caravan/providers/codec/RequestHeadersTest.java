package caravan.providers.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import caravan.providers.UpstreamSettings;
import org.junit.jupiter.api.Test;

class RequestHeadersTest {

    private static final UpstreamSettings KEYED = new UpstreamSettings("p", "http://h", "sk-1");
    private static final UpstreamSettings KEYLESS = new UpstreamSettings("p", "http://h", " ");

    @Test
    void aStreamAsksForServerSentEventsAndAWholeAnswerForJson() {
        assertThat(RequestHeaders.json(true).toMap()).containsExactly(
                Map.entry("Content-Type", "application/json"), Map.entry("Accept", "text/event-stream"));
        assertThat(RequestHeaders.json(false).toMap()).containsExactly(
                Map.entry("Content-Type", "application/json"), Map.entry("Accept", "application/json"));
    }

    @Test
    void theKeyGoesInTheHeaderTheProviderReadsAfterTheContentHeaders() {
        assertThat(RequestHeaders.json(false).bearer(KEYED).toMap()).containsEntry("Authorization", "Bearer sk-1");
        assertThat(RequestHeaders.json(false).put("anthropic-version", "v").apiKey("x-api-key", KEYED).toMap().keySet())
                .containsExactly("Content-Type", "Accept", "anthropic-version", "x-api-key");
    }

    @Test
    void aServerWithoutAKeyGetsNoCredentialHeader() {
        assertThat(RequestHeaders.json(false).bearer(KEYLESS).apiKey("api-key", KEYLESS).toMap())
                .containsOnlyKeys("Content-Type", "Accept");
    }
}
