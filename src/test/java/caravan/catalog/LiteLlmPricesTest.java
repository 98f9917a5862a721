package caravan.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import caravan.api.Usage;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's model_prices_and_context_window.json, read into the gateway's buckets and provider names. The
 * file under test ({@code src/test/resources/prices/}) is written in LiteLLM's format with prices made up
 * for the test (they differ from the packaged catalog's on purpose), and keeps the format's other fields
 * (sample_spec, batch and priority prices, tiers, image and embedding models) that must be passed over.
 */
class LiteLlmPricesTest {

    private static final LiteLlmPrices FILE = LiteLlmPrices.read(LiteLlmPricesTest.class.getResourceAsStream(
            "/prices/model_prices_and_context_window.json"));
    private static final Usage EVERY_BUCKET = new Usage(1_000, 500, 600, 100, 200);

    @Test
    void perTokenPricesBecomeExactPricesPerMillionInTheirBuckets() {
        assertThat(FILE.price("anthropic", "claude-sonnet-4-5")).isEqualTo(new ModelPrice(dec("3"), dec("0.3"), dec("3.75"),
                dec("15"), null));
        assertThat(FILE.price("openai", "o4-mini")).isEqualTo(new ModelPrice(dec("1.1"), dec("0.275"), null, dec("4.4"),
                dec("5.5")));
        // 300 x 3 + 600 x 0.3 + 100 x 3.75 + 300 x 15 + 200 reasoning at output's 15
        assertThat(FILE.price("anthropic", "claude-sonnet-4-5").cost(EVERY_BUCKET)).isEqualByComparingTo("0.008955");
        // 400 x 1.1 (no cache-write price: input's) + 600 x 0.275 + 300 x 4.4 + 200 x 5.5
        assertThat(FILE.price("openai", "o4-mini").cost(EVERY_BUCKET)).isEqualByComparingTo("0.003025");
    }

    @Test
    void keysAreFoundUnderTheGatewaysProviderNames() {
        // a bare key under its litellm_provider; a prefixed key without its prefix; LiteLLM's names mapped
        assertThat(FILE.price("openai", "gpt-4o").input()).isEqualByComparingTo("2");
        assertThat(FILE.price("azure", "gpt-4o").input()).isEqualByComparingTo("2.75");
        assertThat(FILE.price("gemini", "gemini-2.5-flash").reasoning()).isEqualByComparingTo("2.5");
        assertThat(FILE.price("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo").output()).isEqualByComparingTo("0.88");
        assertThat(FILE.price("cohere", "command-r-08-2024").input()).isEqualByComparingTo("0.15");
        // a key written as the gateway names a model of a provider route of one's own
        assertThat(FILE.price("bedrock-eu", "anthropic.claude-3-haiku-20240307-v1:0").input()).isEqualByComparingTo("0.3");
        // a bare key is not another provider's model
        assertThat(FILE.price("anthropic", "gpt-4o")).isNull();
        assertThat(FILE.price("openai", "claude-sonnet-4-5")).isNull();
    }

    @Test
    void entriesWithoutTokenPricesAndTheSampleSpecArePassedOver() {
        assertThat(FILE.price("openai", "dall-e-3")).isNull();
        assertThat(FILE.price("one of https://docs.litellm.ai/docs/providers", "sample_spec")).isNull();
        assertThat(FILE.price("openai", "text-embedding-3-small").output()).isEqualByComparingTo("0");
    }

    @Test
    void aFileThatIsNotLiteLlmsFormatIsRefused() {
        assertThatThrownBy(() -> LiteLlmPrices.read(new ByteArrayInputStream("[1, 2]".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("one JSON object");
        assertThatThrownBy(() -> LiteLlmPrices.read(new ByteArrayInputStream("{\"gpt-4o\": ".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("Cannot read the LiteLLM price file");
    }

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }
}
