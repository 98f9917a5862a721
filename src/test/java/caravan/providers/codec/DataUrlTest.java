package caravan.providers.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one data: URL parser the Anthropic, Bedrock and Gemini request encoders share. */
class DataUrlTest {

    @Test
    void splitsABase64DataUrlIntoItsMediaTypeAndData() {
        assertThat(DataUrl.parseBase64("data:image/png;base64,iVBORw0KGgo="))
                .isEqualTo(new DataUrl("image/png", "iVBORw0KGgo="));
    }

    @Test
    void theSchemeAndTheMediaTypeAreCaseInsensitiveAndParametersAreNotPartOfTheType() {
        // RFC 2397 and RFC 2045: providers compare media types as lower-case names without parameters
        assertThat(DataUrl.parseBase64("DATA:Image/JPEG;name=a.jpg;BASE64,/9j/4AAQ"))
                .isEqualTo(new DataUrl("image/jpeg", "/9j/4AAQ"));
        assertThat(DataUrl.isDataUrl("Data:text/plain,hi")).isTrue();
    }

    @Test
    void aDataUrlWithoutAMediaTypeHasAnEmptyOne() {
        assertThat(DataUrl.parseBase64("data:;base64,AAAA")).isEqualTo(new DataUrl("", "AAAA"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data:text/plain,hello", "data:image/png;base64", "https://example.com/a.png",
            "data:image/png;base64x,AAAA"})
    void anythingButABase64DataUrlHasNoParts(String url) {
        assertThat(DataUrl.parseBase64(url)).isNull();
    }

    @Test
    void onlyTheDataSchemeIsADataUrl() {
        assertThat(DataUrl.isDataUrl("https://example.com/data:x")).isFalse();
        assertThat(DataUrl.isDataUrl("dat")).isFalse();
    }
}
