package caravan.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpClientStreamMillisTest {

    @Test
    void zeroIsZeroWithTwoDecimals() {
        assertThat(HttpClientStream.millis(0)).isEqualTo("0.00");
    }

    @Test
    void fractionIsTruncatedToHundredths() {
        assertThat(HttpClientStream.millis(1_234_567)).isEqualTo("1.23");
    }

    @Test
    void wholeMillisecondsKeepTwoZeroDecimals() {
        assertThat(HttpClientStream.millis(10_000_000)).isEqualTo("10.00");
    }

    @Test
    void singleDigitHundredthsArePaddedWithAZero() {
        assertThat(HttpClientStream.millis(50_000)).isEqualTo("0.05");
    }
}
