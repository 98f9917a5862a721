package caravan.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import caravan.api.Usage;
import org.junit.jupiter.api.Test;

/** Prices in layers, the first that prices a model winning; a model nobody prices has no cost, never 0. */
class PricesTest {

    private static final ModelCatalog PACKAGED = ModelCatalog.read(PricesTest.class.getResourceAsStream("/models.yaml"));

    @Test
    void thePackagedCatalogPricesEveryModelItLists() {
        for (String provider : List.of("openai", "anthropic", "gemini", "bedrock", "cohere", "mistral", "groq", "together",
                "echo")) {
            assertThat(PACKAGED.modelsOf(provider)).as(provider).isNotEmpty()
                    .allSatisfy(model -> assertThat(PACKAGED.price(provider, model)).as(provider + "/" + model).isNotNull());
        }
    }

    @Test
    void thePackagedCatalogHasTheProvidersCachePrices() {
        // OpenAI: cached input at a tenth of gpt-5's input; Anthropic: reads at a tenth, 5-minute writes at 1.25x
        assertThat(PACKAGED.price("openai", "gpt-5")).isEqualTo(
                new ModelPrice(dec("1.25"), dec("0.125"), null, dec("10.00"), null));
        assertThat(PACKAGED.price("anthropic", "claude-sonnet-4-5")).isEqualTo(
                new ModelPrice(dec("3.00"), dec("0.30"), dec("3.75"), dec("15.00"), null));
        // every model the echo provider stands in for is free
        assertThat(new Prices(List.of(PACKAGED)).cost("echo", "gpt-4o", new Usage(10, 10, 0, 0, 0)))
                .isEqualByComparingTo("0");
    }

    @Test
    void theFirstLayerThatPricesAModelWins() {
        ModelCatalog local = ModelPriceTest.catalog("""
                providers:
                  openai:
                    prices:
                      gpt-4o-mini: {input: 1, output: 1}
                """);
        PriceList file = (provider, model) -> "gpt-4o-mini".equals(model) || "gpt-4o".equals(model)
                ? ModelPrice.of(dec("2"), dec("2")) : null;
        Prices prices = new Prices(List.of(local, file, PACKAGED));
        Usage million = new Usage(1_000_000, 0, 0, 0, 0);

        assertThat(prices.cost("openai", "gpt-4o-mini", million)).isEqualByComparingTo("1");
        assertThat(prices.cost("openai", "gpt-4o", million)).isEqualByComparingTo("2");
        assertThat(prices.cost("openai", "gpt-4.1", million)).isEqualByComparingTo("2.00");
    }

    @Test
    void aModelNobodyPricesHasNoCostAndNoUsageHasNoCost() {
        Prices prices = new Prices(List.of(PACKAGED));

        assertThat(prices.cost("vllm", "my-model", new Usage(10, 10, 0, 0, 0))).isNull();
        assertThat(prices.most("vllm", "my-model", 10, 10)).isNull();
        assertThat(prices.cost("openai", "gpt-4o", null)).isNull();
        assertThat(prices.of(null, "gpt-4o")).isNull();
    }

    private static java.math.BigDecimal dec(String value) {
        return new java.math.BigDecimal(value);
    }
}
