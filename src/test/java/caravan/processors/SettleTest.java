package caravan.processors;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

/** x-caravan-cost-usd is a plain decimal: never exponent notation, at least eight places, more when the cost needs them. */
class SettleTest {

    @Test
    void aCostIsWrittenAsAPlainDecimalWithAtLeastEightPlaces() {
        // BigDecimal's own toString would write these as 1.5E-7 and 0E-8
        assertThat(Settle.plainUsd(new BigDecimal("1.5E-7"))).isEqualTo("0.00000015");
        assertThat(Settle.plainUsd(new BigDecimal("0E-8"))).isEqualTo("0.00000000");
        assertThat(Settle.plainUsd(BigDecimal.ZERO)).isEqualTo("0.00000000");
        assertThat(Settle.plainUsd(new BigDecimal("12.5"))).isEqualTo("12.50000000");
        assertThat(Settle.plainUsd(new BigDecimal("1E+3"))).isEqualTo("1000.00000000");
    }

    @Test
    void aCostFinerThanEightPlacesKeepsEveryDigit() {
        // one cached gpt-4o-mini token at 0.075 per million, one Cohere command-r7b token at 0.0375
        assertThat(Settle.plainUsd(new BigDecimal("7.5E-8"))).isEqualTo("0.000000075");
        assertThat(Settle.plainUsd(new BigDecimal("3.75E-8"))).isEqualTo("0.0000000375");
        assertThat(Settle.plainUsd(new BigDecimal("0.0012264000"))).isEqualTo("0.00122640");
    }
}
