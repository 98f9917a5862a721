package caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import caravan.catalog.ModelCatalog;
import caravan.catalog.Prices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GATEWAY_PRICES_FILE is read relative to the gateway's folder, and one that cannot be read stops the start. */
class PricesFileSettingTest {

    private static final ModelCatalog PACKAGED = ModelCatalog.read(PricesFileSettingTest.class.getResourceAsStream("/models.yaml"));

    @TempDir
    Path home;

    @Test
    void aRelativePricesFileIsReadFromTheGatewaysFolderAndWinsOverThePackagedCatalog() throws Exception {
        Files.copy(Path.of("src/test/resources/prices/model_prices_and_context_window.json"), home.resolve("prices.json"));

        Prices prices = GatewayConfiguration.prices(null, PACKAGED, home, "prices.json");

        assertThat(prices.of("openai", "gpt-4o").input()).isEqualByComparingTo("2");
        assertThat(prices.of("openai", "gpt-4.1").input()).isEqualByComparingTo("2.00");
        assertThat(GatewayConfiguration.prices(null, PACKAGED, home, "").of("openai", "gpt-4o").input())
                .isEqualByComparingTo("2.50");
    }

    @Test
    void aPricesFileThatCannotBeReadStopsTheStartNamingIt() throws Exception {
        assertThatThrownBy(() -> GatewayConfiguration.prices(null, PACKAGED, home, "missing.json"))
                .hasMessageContaining("GATEWAY_PRICES_FILE").hasMessageContaining("missing.json");
        Files.writeString(home.resolve("broken.json"), "{\"gpt-4o\": {");
        assertThatThrownBy(() -> GatewayConfiguration.prices(null, PACKAGED, home, "broken.json"))
                .hasMessageContaining("is not a LiteLLM price file");
    }
}
